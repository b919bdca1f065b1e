import { Cell, Pie, PieChart, Tooltip } from 'recharts';
import type { SelectedDeployment } from '../utils/builder-form';
import { formatPercent, weightPercentages } from '../utils/weights';
import '../routing-groups.css';

const COLORS = ['#2563eb', '#16a34a', '#f59e0b', '#db2777', '#7c3aed', '#0891b2', '#dc2626', '#4b5563'];

export function WeightPreview({ deployments }: { deployments: readonly SelectedDeployment[] }) {
  const percentages = weightPercentages(deployments.map((d) => d.weight));
  const data = deployments.map((d, i) => ({
    name: d.displayName ?? d.modelId,
    value: percentages[i] ?? 0,
  }));
  const hasTraffic = data.some((d) => d.value > 0);

  return (
    <figure className="weight-preview" aria-label="Traffic split">
      {hasTraffic ? (
        <PieChart width={180} height={180}>
          <Pie data={data} dataKey="value" nameKey="name" innerRadius={45} outerRadius={80} isAnimationActive={false}>
            {data.map((entry, i) => (
              <Cell key={entry.name} fill={COLORS[i % COLORS.length]} />
            ))}
          </Pie>
          <Tooltip formatter={(value) => formatPercent(Number(value))} />
        </PieChart>
      ) : (
        <div className="weight-preview-empty muted">Give at least one deployment a weight above 0.</div>
      )}
      <figcaption>
        <ul className="legend">
          {data.map((entry, i) => (
            <li key={entry.name}>
              <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} />
              {entry.name} <strong>{formatPercent(entry.value)}</strong>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

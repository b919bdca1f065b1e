import type { SimulationGroup } from '../types';
import type { DeploymentRef } from './traffic-counts';

export interface GroupDeploymentRef extends DeploymentRef {
  priority?: number | null;
  weight?: number | null;
  modelName: string;
}

/** The group's deployments as the simulation displays name them. */
export function groupDeploymentRefs(group: SimulationGroup): GroupDeploymentRef[] {
  return group.deployments.map((d) => ({
    deploymentId: d.modelId,
    deploymentName: d.displayName || d.modelName,
    modelName: d.modelName,
    provider: d.provider,
    priority: d.priority,
    weight: d.weight,
  }));
}

import type { DeploymentRef } from './traffic-counts';

/** A group's deployments as the GraphQL group fields carry them. */
export interface GroupDeploymentsSource {
  deployments: ReadonlyArray<{
    modelId: string;
    modelName: string;
    provider: string;
    priority?: number | null;
    weight?: number | null;
    displayName?: string | null;
  }>;
}

export interface GroupDeploymentRef extends DeploymentRef {
  priority?: number | null;
  weight?: number | null;
  modelName: string;
}

/** The group's deployments as the flow diagram and the simulator name them. */
export function groupDeploymentRefs(group: GroupDeploymentsSource): GroupDeploymentRef[] {
  return group.deployments.map((d) => ({
    deploymentId: d.modelId,
    deploymentName: d.displayName || d.modelName,
    modelName: d.modelName,
    provider: d.provider,
    priority: d.priority,
    weight: d.weight,
  }));
}

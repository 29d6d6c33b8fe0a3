// The lifecycle engine's public surface (the package boundary the sim
// runtime imports): profiles of stages, the planner, and the status builder.

export { loadProfile, defaultProfileDir, withProbability, ProfileError, type Profile } from './profile.js';
export { parseStages } from './parse.js';
export { StageError } from './stage-error.js';
export { plan, type Plan } from './engine.js';
export { applyStage, type PodContext, type Outcome } from './next-status.js';
export { crashBackoffMs } from './delay.js';
export { draw } from './draw.js';
export type { Stage, Selector, Delay, Next, StatusNext, DeleteNext, EventTemplate } from './stage.js';

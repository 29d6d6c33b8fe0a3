// The one error a stage file can produce: which file, which stage (or which
// YAML document when the stage has no valid name yet), which field, why.
// The message reads `profiles/default/pod.yaml: stage "pod-ready": delay.ms: must be a number ≥ 0`.

export class StageError extends Error {
  constructor(
    readonly source: string,
    /** `stage "name"` or `document N` */
    readonly where: string,
    /** dotted path inside the stage, '' for the whole document */
    readonly field: string,
    readonly reason: string,
  ) {
    super([source, where, field, reason].filter((s) => s !== '').join(': '));
    this.name = 'StageError';
  }
}

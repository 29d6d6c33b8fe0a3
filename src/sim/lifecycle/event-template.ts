// The event a stage records: a fixed type and reason and a message with a
// handful of placeholders, filled from the pod. No expressions, no
// templates beyond plain substitution: a stage file stays data.
//
// Placeholders: {{pod}} (name), {{namespace}}, {{uid}}, {{container}} (the
// first spec container), {{node}}. {{uid}} is there so the kubelet's texts
// can be written byte for byte (format.Pod is "name_namespace(uid)").

export const PLACEHOLDERS = ['pod', 'namespace', 'uid', 'container', 'node'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PATTERN = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** The placeholders in `message` that are not known, for validation. */
export function unknownPlaceholders(message: string): string[] {
  const out: string[] = [];
  for (const m of message.matchAll(PATTERN)) {
    const name = m[1] ?? '';
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) out.push(name);
  }
  return out;
}

export function expandMessage(message: string, values: Record<Placeholder, string>): string {
  return message.replace(PATTERN, (whole, name: string) => ((PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole));
}

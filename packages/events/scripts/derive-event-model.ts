/**
 * Derives the event model the privacy check holds payloads to (src/privacy/event-shapes.json) from
 * GitHub's own OpenAPI description of its webhooks (@octokit/openapi-webhooks: github.com and the
 * newest GHES), tempered by real captured payloads (@octokit/webhooks-examples). Run by the
 * event-model test, which compares the result with the committed file (UPDATE_EVENT_SHAPES=1
 * rewrites it): the model is compiled ahead of time, not read per container.
 *
 * The merge rule, per event (the event of an operation is its `x-github.subcategory`, `-` as `_`):
 * - actions: every `action` any of its operations declares, in any description, and every action a
 *   real example of it carries; null when some operation has no `action` (the event has none);
 * - required: a property is required only if every variant of every operation of the event requires
 *   it with a type that is never null, it is not part of the envelope every event carries
 *   (repository, sender, …), and every real example of the event carries it with a non-null value
 *   (the description requires fields older real payloads lack, e.g. `workflow` in a deployment), so
 *   no genuine payload is refused; its JSON types are those any variant allows;
 * - moreSpecific: the events whose required properties are a strict superset of this one's: a
 *   payload that has their shape is theirs (an issue comment is not an `issues` event).
 * Properties not listed are never looked at: fields GitHub adds later do not matter.
 */

type Schema = Readonly<Record<string, unknown>>;
export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

export interface EventShape {
  readonly actions: readonly string[] | null;
  readonly required: Readonly<Record<string, readonly JsonType[]>>;
  readonly moreSpecific: readonly string[];
}

export interface DescribedOperation {
  readonly event: string;
  readonly schema: Schema;
  readonly components: Readonly<Record<string, Schema>>;
}

export interface RealExample {
  readonly event: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

const ENVELOPE = new Set(['action', 'sender', 'repository', 'organization', 'installation', 'enterprise']);

interface Variant {
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, unknown>>;
}

function schemaReader(components: Readonly<Record<string, Schema>>) {
  const deref = (node: unknown): Schema => {
    let current = (node ?? {}) as Schema;
    while (typeof current.$ref === 'string') current = components[current.$ref.split('/').at(-1) ?? ''] ?? {};
    return current;
  };
  const typesOf = (node: unknown): Set<JsonType> => {
    const n = deref(node);
    if (n.type !== undefined) return new Set((Array.isArray(n.type) ? n.type : [n.type]) as JsonType[]);
    for (const key of ['oneOf', 'anyOf']) {
      if (Array.isArray(n[key])) return new Set((n[key] as unknown[]).flatMap((x) => [...typesOf(x)]));
    }
    if (Array.isArray(n.allOf)) {
      const sets = (n.allOf as unknown[]).map(typesOf).filter((s) => s.size > 0);
      return new Set([...(sets[0] ?? [])].filter((t) => sets.every((s) => s.has(t))));
    }
    return new Set();
  };
  const own = (n: Schema): Variant => ({
    required: (n.required as string[] | undefined) ?? [],
    properties: (n.properties as Record<string, unknown> | undefined) ?? {},
  });
  const merge = (a: Variant, b: Variant): Variant => ({
    required: [...new Set([...a.required, ...b.required])],
    properties: { ...a.properties, ...b.properties },
  });
  const variants = (node: unknown): Variant[] => {
    const n = deref(node);
    for (const key of ['oneOf', 'anyOf']) {
      if (Array.isArray(n[key]))
        return (n[key] as unknown[]).flatMap((x) => variants(x).map((v) => merge(own(n), v)));
    }
    if (Array.isArray(n.allOf)) {
      return (n.allOf as unknown[]).reduce<Variant[]>(
        (acc, x) => acc.flatMap((a) => variants(x).map((v) => merge(a, v))),
        [own(n)],
      );
    }
    return [own(n)];
  };
  const actionsOf = (node: unknown): string[] | null => {
    const n = deref(node);
    if (Array.isArray(n.enum)) return (n.enum as unknown[]).filter((a): a is string => typeof a === 'string');
    if (typeof n.const === 'string') return [n.const];
    for (const part of (n.allOf as unknown[] | undefined) ?? []) {
      const found = actionsOf(part);
      if (found) return found;
    }
    return null;
  };
  return { typesOf, variants, actionsOf };
}

interface Facts {
  readonly required: Readonly<Record<string, Set<JsonType>>>;
  readonly action: string[] | null;
}

function variantFacts(operation: DescribedOperation): Facts[] {
  const reader = schemaReader(operation.components);
  return reader.variants(operation.schema).map((v) => {
    const required: Record<string, Set<JsonType>> = {};
    for (const property of v.required) {
      if (ENVELOPE.has(property)) continue;
      const types = reader.typesOf(v.properties[property]);
      if (types.size > 0 && !types.has('null')) required[property] = types;
    }
    const action = 'action' in v.properties ? reader.actionsOf(v.properties.action) : null;
    return { required, action };
  });
}

const carries = (example: RealExample, property: string) =>
  Object.hasOwn(example.payload, property) && example.payload[property] !== null;

function shapeOf(all: readonly Facts[], real: readonly RealExample[]): Omit<EventShape, 'moreSpecific'> {
  const everyHasAction = all.every((v) => v.action !== null);
  const realActions = real.map((e) => e.payload.action).filter((a): a is string => typeof a === 'string');
  const actions = everyHasAction
    ? [...new Set([...all.flatMap((v) => v.action ?? []), ...realActions])].sort()
    : null;
  const required: Record<string, JsonType[]> = {};
  for (const property of Object.keys(all[0]?.required ?? {}).sort()) {
    if (!all.every((v) => property in v.required)) continue;
    if (!real.every((e) => carries(e, property))) continue;
    required[property] = [...new Set(all.flatMap((v) => [...(v.required[property] ?? [])]))].sort();
  }
  return { actions, required };
}

export function deriveEventModel(
  operations: readonly DescribedOperation[],
  examples: readonly RealExample[],
): Record<string, EventShape> {
  const facts = new Map<string, Facts[]>();
  for (const operation of operations)
    facts.set(operation.event, [...(facts.get(operation.event) ?? []), ...variantFacts(operation)]);
  const shapes = new Map<string, Omit<EventShape, 'moreSpecific'>>();
  for (const [event, all] of facts)
    shapes.set(
      event,
      shapeOf(
        all,
        examples.filter((e) => e.event === event),
      ),
    );
  const result: Record<string, EventShape> = {};
  for (const [event, shape] of [...shapes].sort(([a], [b]) => a.localeCompare(b))) {
    const keys = Object.keys(shape.required);
    const moreSpecific = [...shapes]
      .filter(([other, o]) => {
        const otherKeys = Object.keys(o.required);
        return other !== event && otherKeys.length > keys.length && keys.every((k) => otherKeys.includes(k));
      })
      .map(([other]) => other)
      .sort();
    result[event] = { ...shape, moreSpecific };
  }
  return result;
}

/**
 * Derives, from GitHub's published webhook schemas (@octokit/webhooks-schemas), what a payload must
 * look like to be the event its unsigned X-GitHub-Event header claims. Run by the event-shapes test,
 * which compares the result with the committed src/privacy/event-shapes.json (UPDATE_EVENT_SHAPES=1
 * rewrites it): the check is compiled ahead of time, not per container.
 *
 * Per event: the `action` values of all its variants, and the properties every variant requires
 * with their JSON types, leaving out what every event carries (repository, sender, …) and what may
 * be null (fields older payloads do not have). Fields GitHub adds later never matter: nothing is
 * said about properties not listed. `moreSpecific` names the events whose required properties are a
 * strict superset of this one's: a payload that has their shape is theirs, not this event's.
 */

type Schema = Record<string, unknown>;
export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

export interface EventShape {
  /** Every `action` its variants declare; null when the event has no action. */
  readonly actions: readonly string[] | null;
  readonly required: Readonly<Record<string, readonly JsonType[]>>;
  readonly moreSpecific: readonly string[];
}

const ENVELOPE = new Set(['action', 'sender', 'repository', 'organization', 'installation', 'enterprise']);

export function deriveEventShapes(schema: {
  definitions: Record<string, Schema>;
  oneOf: { $ref: string }[];
}) {
  const definitions = schema.definitions;
  const deref = (node: unknown): Schema => {
    let current = node as Schema;
    while (current && typeof current.$ref === 'string') {
      current = definitions[(current.$ref as string).split('/').at(-1) as string] as Schema;
    }
    return current ?? {};
  };
  const typesOf = (node: unknown): Set<JsonType> => {
    const n = deref(node);
    if (n.type !== undefined) return new Set((Array.isArray(n.type) ? n.type : [n.type]) as JsonType[]);
    for (const key of ['oneOf', 'anyOf']) {
      if (Array.isArray(n[key])) return new Set((n[key] as unknown[]).flatMap((x) => [...typesOf(x)]));
    }
    if (Array.isArray(n.allOf)) {
      const sets = (n.allOf as unknown[]).map(typesOf).filter((s) => s.size > 0);
      // The types every part allows.
      return new Set([...(sets[0] ?? [])].filter((t) => sets.every((s) => s.has(t))));
    }
    return new Set();
  };
  interface Variant {
    readonly required: readonly string[];
    readonly properties: Record<string, unknown>;
  }
  const own = (n: Schema): Variant => ({
    required: (n.required as string[] | undefined) ?? [],
    properties: { ...((n.properties as Record<string, unknown> | undefined) ?? {}) },
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
    if (Array.isArray(n.enum)) return n.enum as string[];
    if (n.const !== undefined) return [n.const as string];
    for (const part of (n.allOf as unknown[] | undefined) ?? []) {
      const found = actionsOf(part);
      if (found) return found;
    }
    return null;
  };

  const shapes: Record<string, Omit<EventShape, 'moreSpecific'>> = {};
  for (const { $ref } of schema.oneOf) {
    const name = $ref.split('/').at(-1) as string;
    const event = name.replace(/[_$]event$/, '');
    const all = variants(definitions[name]);
    const perVariant = all.map((v) => {
      const required: Record<string, Set<JsonType>> = {};
      for (const property of v.required) {
        if (ENVELOPE.has(property)) continue;
        const types = typesOf(v.properties[property]);
        if (types.has('null')) continue;
        required[property] = types;
      }
      const action = 'action' in v.properties ? actionsOf(v.properties.action) : null;
      return { required, action };
    });
    const everyVariantHasActions = perVariant.every((v) => v.action !== null);
    const actions = everyVariantHasActions
      ? [...new Set(perVariant.flatMap((v) => v.action ?? []))].sort()
      : null;
    const common = Object.keys(perVariant[0]?.required ?? {}).filter((p) =>
      perVariant.every((v) => p in v.required),
    );
    const required: Record<string, JsonType[]> = {};
    for (const property of common.sort()) {
      required[property] = [...new Set(perVariant.flatMap((v) => [...(v.required[property] ?? [])]))].sort();
    }
    shapes[event] = { actions, required };
  }
  const result: Record<string, EventShape> = {};
  for (const [event, shape] of Object.entries(shapes).sort(([a], [b]) => a.localeCompare(b))) {
    const keys = Object.keys(shape.required);
    const moreSpecific = Object.entries(shapes)
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

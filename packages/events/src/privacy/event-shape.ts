import type { WebhookPayload } from '../delivery/types';
import SHAPES from './event-shapes.json';

type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

interface EventShape {
  readonly actions: readonly string[] | null;
  readonly required: Readonly<Record<string, readonly string[]>>;
  readonly moreSpecific: readonly string[];
}

const shapes = SHAPES as Readonly<Record<string, EventShape>>;

/** Events whose payload shape is known (GitHub's published schemas): only these can be public. */
export const hasKnownShape = (event: string): boolean => Object.hasOwn(shapes, event);

/**
 * Whether a payload has the shape of the event its (unsigned) X-GitHub-Event header claims: its
 * `action` is one the event has (when it has one; an event with nothing else to tell it by must
 * have one), every property the event always carries is there with its JSON type, and it is not
 * the payload of a more specific event (an issue comment is not an `issues` event). A captured
 * signed `member` delivery resent as `push` fails here. Fields GitHub adds later are ignored.
 */
export function matchesEventShape(event: string, payload: WebhookPayload): boolean {
  const shape = shapes[event];
  if (shape === undefined || !hasShape(shape, payload)) return false;
  return !shape.moreSpecific.some((other) => {
    const specific = shapes[other];
    return specific !== undefined && hasShape(specific, payload);
  });
}

function hasShape(shape: EventShape, payload: WebhookPayload): boolean {
  const action = payload.action;
  if (shape.actions !== null) {
    if (typeof action === 'string') {
      if (!shape.actions.includes(action)) return false;
    } else if (action !== undefined || Object.keys(shape.required).length === 0) {
      return false;
    }
  }
  for (const [property, types] of Object.entries(shape.required)) {
    if (!Object.hasOwn(payload, property)) return false;
    const type = jsonType(payload[property]);
    if (!types.includes(type) && !(type === 'integer' && types.includes('number'))) return false;
  }
  return true;
}

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

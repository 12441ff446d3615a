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

/** Why a payload is not of the event it claims: an action the event model does not know, or another shape. */
export interface ShapeMisfit {
  readonly reason: 'unknown_action' | 'shape_mismatch';
  /** The unknown action, the property missing or of the wrong type, or the event it looks like. */
  readonly detail: string;
}

/**
 * Whether a payload has the shape of the event its (unsigned) X-GitHub-Event header claims: its
 * `action` is one the event has (when it has one; an event with nothing else to tell it by must
 * have one), every property the event always carries is there with its JSON type, and it is not
 * the payload of a more specific event (an issue comment is not an `issues` event). A captured
 * signed `member` delivery resent as `push` fails here. Fields GitHub adds later are ignored.
 * Undefined when it fits; otherwise why not, so drift in GitHub's events is seen (classify).
 */
export function eventShapeMisfit(event: string, payload: WebhookPayload): ShapeMisfit | undefined {
  const shape = shapes[event];
  if (shape === undefined) return { reason: 'shape_mismatch', detail: 'unknown event' };
  const misfit = misfitOf(shape, payload);
  if (misfit !== undefined) return misfit;
  const other = shape.moreSpecific.find((name) => {
    const specific = shapes[name];
    return specific !== undefined && claims(specific, shape, payload);
  });
  return other === undefined ? undefined : { reason: 'shape_mismatch', detail: `has the shape of ${other}` };
}

/**
 * Whether a more specific event claims a payload that fits the claimed event: it fits that event's
 * shape too, and agrees on having an action — a payload with an action is no action-less event's
 * (a `member` change is not `security_and_analysis`), and a payload without one is not an
 * action-bearing event's when the claimed event has none either (`ping` is not `meta`). Older
 * payloads of action-bearing events may lack the action (a GHES `deployment_status` is still one).
 */
function claims(specific: EventShape, claimed: EventShape, payload: WebhookPayload): boolean {
  const hasAction = typeof payload.action === 'string';
  if (specific.actions === null && hasAction) return false;
  if (specific.actions !== null && !hasAction && claimed.actions === null) return false;
  return misfitOf(specific, payload) === undefined;
}

export const matchesEventShape = (event: string, payload: WebhookPayload): boolean =>
  eventShapeMisfit(event, payload) === undefined;

function misfitOf(shape: EventShape, payload: WebhookPayload): ShapeMisfit | undefined {
  const action = payload.action;
  if (shape.actions !== null) {
    if (typeof action === 'string') {
      if (!shape.actions.includes(action)) return { reason: 'unknown_action', detail: action };
    } else if (action !== undefined || Object.keys(shape.required).length === 0) {
      return { reason: 'shape_mismatch', detail: 'action' };
    }
  }
  for (const [property, types] of Object.entries(shape.required)) {
    if (!Object.hasOwn(payload, property)) return { reason: 'shape_mismatch', detail: property };
    const type = jsonType(payload[property]);
    if (!types.includes(type) && !(type === 'integer' && types.includes('number')))
      return { reason: 'shape_mismatch', detail: property };
  }
  return undefined;
}

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

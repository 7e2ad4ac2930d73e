/**
 * The contract with Python: generated types plus a runtime guard.
 *
 * Types come from contract.schema.json (generated from Python's pydantic models), and the guard
 * validates against that same schema, so what TypeScript assumes is exactly what is checked.
 * The validators are Ajv's standalone code, generated with the types (scripts/validators.mjs):
 * no frame compiles a schema or loads Ajv's compiler.
 */

import type {
  ChannelEvent,
  MatrixArgs,
  NavigatorArgs,
  SelectionEvent,
  ViewArgs,
  ViewEvent,
  ViewState,
} from "./contract.generated";
import {
  type Validator,
  validateMatrixArgs,
  validateNavigatorArgs,
  validateSelectionEvent,
  validateViewArgs,
  validateViewEvent,
} from "./validators.generated.js";

export type {
  AcrossImage,
  AcrossPanel,
  ActivationsPanel,
  CellGrid,
  ChannelEvent,
  Colormap,
  LayerSource,
  MapPanel,
  MatrixArgs,
  MatrixLayer,
  MetricLegend,
  NavigatorArgs,
  NavigatorValue,
  Pixel,
  ReceptiveField,
  SelectionEvent,
  SimilarityPanel,
  Thumbnails,
  TilesPanel,
  ViewArgs,
  ViewEvent,
  ViewImage,
  ViewState,
} from "./contract.generated";

/** Thrown when Python sent arguments that do not match the contract. */
export class ContractError extends Error {
  override name = "ContractError";
}

function describe(errors: Validator<unknown>["errors"]): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || "(top level)"} ${error.message ?? "is invalid"}`)
    .join("; ");
}

/** The arguments Python sent, checked against the schema; throws a ContractError naming the field. */
export function parseViewArgs(raw: unknown): ViewArgs {
  if (validateViewArgs(raw)) {
    return raw;
  }
  throw new ContractError(
    `the view arguments do not match the contract: ${describe(validateViewArgs.errors)}`,
  );
}

/** The step navigator's arguments, checked like the view's. */
export function parseNavigatorArgs(raw: unknown): NavigatorArgs {
  if (validateNavigatorArgs(raw)) {
    return raw;
  }
  throw new ContractError(
    `the navigator arguments do not match the contract: ${describe(validateNavigatorArgs.errors)}`,
  );
}

/** The scatter-plot matrix's arguments, checked like the view's. */
export function parseMatrixArgs(raw: unknown): MatrixArgs {
  if (validateMatrixArgs(raw)) {
    return raw;
  }
  throw new ContractError(
    `the matrix arguments do not match the contract: ${describe(validateMatrixArgs.errors)}`,
  );
}

/** A released brush's selection for Python, checked against the schema before it is sent. */
export function makeSelectionEvent(points: readonly number[]): SelectionEvent {
  const event = { id: newEventId(), kind: "selection" as const, points: [...points] };
  if (!validateSelectionEvent(event)) {
    throw new ContractError(
      `a selection event does not match the contract: ${describe(validateSelectionEvent.errors)}`,
    );
  }
  return event;
}

/** Whether a value is a well-formed event (what Python will accept). */
export function isViewEvent(raw: unknown): raw is ViewEvent {
  return validateViewEvent(raw);
}

let eventCounter = 0;

/** A unique event id (crypto.randomUUID needs a secure context, which a LAN classroom may lack). */
export function newEventId(): string {
  eventCounter += 1;
  return `${Date.now().toString(36)}-${eventCounter.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

type EventKind = ViewEvent["kind"];

/** Build a deliberate-action event for Python (a channel's is built by `makeChannelEvent`). */
export function makeEvent(kind: Exclude<EventKind, "step" | "channel">, state: ViewState): ViewEvent;
export function makeEvent(kind: "step", state: ViewState, delta: -1 | 1): ViewEvent;
export function makeEvent(kind: Exclude<EventKind, "channel">, state: ViewState, delta?: -1 | 1): ViewEvent {
  const id = newEventId();
  if (kind === "step") {
    return { id, kind, state, delta: delta ?? 1 };
  }
  return { id, kind, state };
}

/** "What does this channel want to see?": ask Python for a channel's generated image. */
export function makeChannelEvent(layer: string, channel: number, state: ViewState): ChannelEvent {
  return { id: newEventId(), kind: "channel", state, layer, channel };
}

import { ConfigError } from '../model/config';
import { ModelFormatError } from '../model/modelFormatError';
import { ModelLoadError } from './modelLoadError';
import { NoBackendError } from './noBackendError';
import { RecommenderDisposedError } from './recommenderDisposedError';
import type { WireError } from './workerProtocol';

/**
 * The classes the page re-creates, by name. None pulls in tfjs: the page of a worker recommender
 * never loads it. Other errors arrive as an Error carrying the original name.
 */
const CLASSES: Record<string, new (...args: never[]) => Error> = {
  ConfigError,
  ModelFormatError,
  ModelLoadError,
  NoBackendError,
  RecommenderDisposedError,
  RangeError,
  TypeError,
};

const NOT_FIELDS = new Set(['name', 'message', 'stack', 'cause']);

/** `error` (anything thrown) and its chain of causes as plain data for postMessage. */
export function toWireError(error: unknown, seen = new Set<unknown>()): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  seen.add(error);
  const fields: WireError['fields'] = {};
  for (const [key, value] of Object.entries(error)) {
    const plain = ['string', 'number', 'boolean'].includes(typeof value);
    if (plain && !NOT_FIELDS.has(key)) fields[key] = value as string | number | boolean;
  }
  const wire: WireError = { name: error.name, message: error.message, stack: error.stack, fields };
  // A cause chain may loop back on itself; the repeat is left out.
  if (error.cause !== undefined && !seen.has(error.cause))
    wire.cause = toWireError(error.cause, seen);
  return wire;
}

/** The error `toWireError` described, of its own class where this side knows the class. */
export function reviveError(wire: WireError): Error {
  const cause = wire.cause && reviveError(wire.cause);
  const Class = Object.hasOwn(CLASSES, wire.name) ? CLASSES[wire.name] : Error;
  // Error's constructor with the class as new.target: the class's prototype (so instanceof
  // works) and the worker's exact message, which the class's own constructor would re-format.
  const error: Error = Reflect.construct(
    Error,
    cause === undefined ? [wire.message] : [wire.message, { cause }],
    Class,
  );
  Object.assign(error, wire.fields);
  if (error.name !== wire.name) error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}

/**
 * `--indicator-types FILE` of `validate`, `convert` and `submit` (and `serve`): an instance's
 * `GET /v2/types/indicatorTypes` answer, whose custom indicator types the command then accepts
 * besides the built-in ones (ThreatConnect REST API: indicator types).
 */
import type { IndicatorTypeSet } from '../batch/types.js';

/** The option's help text. */
export const INDICATOR_TYPES_HELP = "an instance's GET /v2/types/indicatorTypes answer (JSON): its custom indicator types are accepted besides the built-in ones";

/**
 * The custom types of `--indicator-types`, or none without the option.
 * @param file the option's value (a path)
 * @throws IndicatorTypesError naming the file when it cannot be read or is not such an answer
 */
export async function typesOption(file: string | undefined): Promise<IndicatorTypeSet | undefined> {
  if (file === undefined) return undefined;
  const { loadIndicatorTypes } = await import('../batch/load-types.js');
  return loadIndicatorTypes(file);
}

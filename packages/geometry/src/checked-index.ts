/** Array access for an index the caller knows is in range; throws RangeError otherwise. */
export function at<T>(values: readonly T[], index: number): T {
  const value = values[index];
  if (value === undefined) throw new RangeError(`index ${index} is outside 0..${values.length - 1}`);
  return value;
}

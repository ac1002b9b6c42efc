/** One item's answer, or what the write that carried it failed with. */
export type Settled<O> = { ok: O } | { failed: unknown };

/**
 * `write` (one statement for the items it is given, answering one output per item in their
 * order) for items of which no two of one key may share a statement: the first item of each key
 * go together; when that statement fails, each of them goes alone, so one item's failure fails
 * no other; a further item of a key goes after, alone.
 */
export async function togetherOrAlone<I, O>(
  items: I[],
  keyOf: (item: I) => string,
  write: (items: I[]) => Promise<O[]>,
): Promise<Array<Settled<O>>> {
  const seen = new Set<string>();
  const together: number[] = [];
  const after: number[] = [];
  items.forEach((item, i) => {
    const key = keyOf(item);
    (seen.has(key) ? after : together).push(i);
    seen.add(key);
  });
  const answers = new Array<Settled<O>>(items.length);
  const alone = (i: number): Promise<unknown> =>
    write([items[i]]).then(
      ([ok]) => (answers[i] = { ok }),
      (failed: unknown) => (answers[i] = { failed }),
    );
  try {
    const outputs = await write(together.map((i) => items[i]));
    together.forEach((i, k) => (answers[i] = { ok: outputs[k] }));
  } catch (failed) {
    if (together.length === 1) {
      answers[together[0]] = { failed };
    } else {
      await Promise.all(together.map(alone));
    }
  }
  for (const i of after) {
    await alone(i);
  }
  return answers;
}

/** A figure over the rounds of one run: the median, and how far the rounds spread. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The median (of an odd count, the middle round itself) and the extremes. */
export const spread = (values: number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
};

import { afterEach, jest } from '@jest/globals';
import { OffsetClock } from '../../shared/domain/clock';
import { StackTime } from '../../infra/local/stack-time';

/** A ticker that records the stack time of every tick, and what it reports as next due. */
function recordingTicker(time: StackTime, clock: OffsetClock, due: { at: number }) {
  const ticks: number[] = [];
  time.onTick('recorder', async () => void ticks.push(clock.now().getTime()), () => due.at);
  return ticks;
}

describe('the stack clock\'s ticks', () => {
  let time: StackTime | undefined;
  afterEach(() => {
    time?.stop();
    jest.useRealTimers();
  });

  test('between two interval ticks, one more comes exactly when something falls due', async () => {
    jest.useFakeTimers({ now: 0 });
    const clock = new OffsetClock();
    time = new StackTime(clock, false);
    const ticks = recordingTicker(time, clock, { at: 1_050 });
    time.start(100);

    await jest.advanceTimersByTimeAsync(1_050);

    // The interval's ticks at 100, 200, …, 1000, and one at the due time itself (not at 1100).
    expect(ticks.filter((t) => t % 100 !== 0)).toEqual([1_050]);
  });

  test('a clock set to stand still gets no extra ticks: only the interval\'s', async () => {
    jest.useFakeTimers({ now: 0 });
    const clock = new OffsetClock();
    clock.set(new Date(500));
    time = new StackTime(clock, false);
    const ticks = recordingTicker(time, clock, { at: 550 });
    time.start(100);

    await jest.advanceTimersByTimeAsync(1_000);

    expect(ticks).toEqual(Array.from({ length: 10 }, () => 500));
  });
});

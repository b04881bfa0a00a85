import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface StoreCall {
  command: string;
  readUnits: number;
  writeUnits: number;
  /** when the call was sent and answered (performance.now(), ms) */
  startedAt: number;
  endedAt: number;
}

/**
 * Sequential waves of store calls: calls issued together (each starting before the wave's calls
 * have all been answered) count once — the round trips on the operation's critical path.
 */
export function roundTrips(calls: StoreCall[]): number {
  let waves = 0;
  let waveEnd = -Infinity;
  for (const call of [...calls].sort((a, b) => a.startedAt - b.startedAt)) {
    if (call.startedAt >= waveEnd) waves++;
    waveEnd = call.startedAt >= waveEnd ? call.endedAt : Math.max(waveEnd, call.endedAt);
  }
  return waves;
}

/**
 * A client middleware that asks DynamoDB for `ReturnConsumedCapacity: TOTAL` on every call and
 * records the command and its capacity, so each API operation's store cost can be read off.
 */
export class StoreCounter {
  private calls: StoreCall[] = [];

  constructor(client: DynamoDBDocumentClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
        const startedAt = performance.now();
        const out = await next(args);
        const endedAt = performance.now();
        const consumed = (out.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
        const name = String(context.commandName);
        const all = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
        this.calls.push({
          command: name.replace(/Command$/, ''),
          readUnits: all.reduce((s, c) => s + (c.ReadCapacityUnits ?? (isRead(name) ? (c.CapacityUnits ?? 0) : 0)), 0),
          writeUnits: all.reduce((s, c) => s + (c.WriteCapacityUnits ?? (isRead(name) ? 0 : (c.CapacityUnits ?? 0))), 0),
          startedAt,
          endedAt,
        });
        return out;
      },
      { step: 'initialize', name: 'benchStoreCounter' },
    );
  }

  /** The calls made while `op` ran. */
  async during<T>(op: () => Promise<T>): Promise<{ result: T; calls: StoreCall[] }> {
    this.calls = [];
    const result = await op();
    return { result, calls: this.calls };
  }
}

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

const isRead = (name: string) => /Get|Query|Scan/.test(name);

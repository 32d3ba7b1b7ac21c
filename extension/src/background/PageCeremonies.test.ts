import { describe, expect, it } from 'vitest';
import { PageCeremonies } from './PageCeremonies.js';

describe('PageCeremonies', () => {
  it('should cancel only the abandoned tab’s waiting requests, once', () => {
    const cancelled: string[] = [];
    const ceremonies = new PageCeremonies((id) => cancelled.push(id));
    ceremonies.add(1, 'a');
    ceremonies.add(1, 'b');
    ceremonies.add(2, 'c');
    ceremonies.remove(1, 'b');
    expect(ceremonies.abandon(1)).toBe(1);
    expect(cancelled).toEqual(['a']);
    expect(ceremonies.abandon(1)).toBe(0);
    expect(ceremonies.abandon(2)).toBe(1);
    expect(cancelled).toEqual(['a', 'c']);
  });
});

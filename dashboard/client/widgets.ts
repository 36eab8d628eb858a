/** Small pieces several cards use. */
import { h } from './dom.ts';
import { clockTime } from './format.ts';

/** A time as `HH:MM:SS` with the full ISO time as its tooltip. */
export const timeCell = (iso: string | null | undefined) =>
  h('span', { class: 'mono', title: iso ?? '' }, clockTime(iso));

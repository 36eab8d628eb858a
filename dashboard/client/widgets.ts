/** Small pieces several cards use. */
import { dateTime } from '../../core/display.ts';
import { h } from './dom.ts';

/** `2026-11-24 10:01:00` (UTC, as the header says) with the ISO time as its tooltip. */
export const timeCell = (iso: string | null | undefined) =>
  h('span', { class: 'mono when', title: iso ?? '' }, dateTime(iso).replace(/ UTC$/, ''));

/** A region's name, never broken at its hyphens. */
export const regionName = (region: string) => h('span', { class: 'region-name' }, region);

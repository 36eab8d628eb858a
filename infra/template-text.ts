/**
 * Passing long literal text (a shell script) to a Terraform function: cdktn requires literal parts
 * to be wrapped in `Fn.rawString`, while Terraform references inside the text must stay references.
 */
import { Fn } from 'cdktn';

/** cdktn's string-encoded token marker, e.g. `${TfToken[TOKEN.71]}`. */
const TOKEN = /(\$\{TfToken\[[^\]]+\]\})/;

/** `text` as one Terraform expression: literal runs escaped, embedded references kept. */
export function textWithReferences(text: string): string {
  const parts = text.split(TOKEN).filter((part) => part !== '');
  if (parts.length === 1 && !TOKEN.test(text)) return Fn.rawString(text);
  return Fn.join(
    '',
    parts.map((part) => (TOKEN.test(part) ? part : Fn.rawString(part))),
  );
}

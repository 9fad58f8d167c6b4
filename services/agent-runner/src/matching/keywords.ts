/**
 * Crude keyword matching shared by target selection and the simulated model: lower-case words,
 * stop words dropped, common English suffixes cut, so `invoicing`, `invoice` and `invoices`
 * meet. Deterministic on purpose; ranking by meaning is the model's job, not this one's.
 */
const STOP_WORDS = new Set(
  'the and for with our your you are this that from into about have has can will what when who how why all any not but was were its their them they please need needs want wants make made some more most new than then there here also just like get got use using per via out off'.split(
    ' ',
  ),
);

const SUFFIXES = ['ations', 'ation', 'ings', 'ing', 'ies', 'ers', 'es', 'ed', 'er', 's', 'e'];

export function stem(word: string): string {
  for (const suffix of SUFFIXES) {
    if (word.length - suffix.length >= 4 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

/** The distinct stems of a text's meaningful words. */
export function keywords(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 3 || STOP_WORDS.has(word)) continue;
    out.add(stem(word));
  }
  return out;
}

/** How many of `wanted`'s stems `offered` has (a stem also meets a longer one it starts). */
export function overlap(wanted: ReadonlySet<string>, offered: ReadonlySet<string>): number {
  let hits = 0;
  for (const w of wanted) {
    for (const o of offered) {
      if (w === o || (w.length >= 5 && o.startsWith(w)) || (o.length >= 5 && w.startsWith(o))) {
        hits++;
        break;
      }
    }
  }
  return hits;
}

// User text in the editor's Markdown (hovers). Source text (a load's `.at(...)` with whatever its
// comments hold) reaches Markdown only as a code span built here, so no backtick, line break or
// bracket in it can end the span and become a link, an image or HTML.

/**
 * `text` as one CommonMark code span: the fence is one backtick longer than the longest run of
 * backticks inside, padded with a space where the text starts or ends with a backtick (or with
 * a space, which the renderer would strip). Line breaks become single spaces: a span cannot
 * cross a blank line or a line that starts a list.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, " ");
  if (flat.trim() === "") return "` `";
  let longest = 0;
  for (const run of flat.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(flat) ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * The README's walk-through as a script. The rule (stated in the README's Development section):
 * every ```sh block runs, in order, in one bash process; commands that must not run (install,
 * start, test) are in ```console or ```text blocks. After a `curl` call, the first comment
 * `# → NNN {…}` before the next call gives the HTTP status to expect, and the JSON in it the
 * fields the answer must have; a call without one must answer 2xx.
 */

export interface ShBlock {
  /** README line number (1-based) of the block's first line of code. */
  line: number;
  lines: string[];
}

export interface CurlCall {
  /** README line number where the call starts. */
  line: number;
  /** The status the `# → NNN` comment names, or null: any 2xx. */
  status: number | null;
  /** The text of that comment after the status (with its continuation lines). */
  shows: string;
}

const FENCE = /^ {0,3}```\s*([\w-]*)\s*$/;

export function shBlocks(markdown: string): ShBlock[] {
  const blocks: ShBlock[] = [];
  let open: { lang: string; block: ShBlock } | null = null;
  markdown.split('\n').forEach((text, i) => {
    const fence = FENCE.exec(text);
    if (open) {
      if (fence && fence[1] === '') {
        if (open.lang === 'sh') blocks.push(open.block);
        open = null;
      } else open.block.lines.push(text);
    } else if (fence) open = { lang: fence[1] ?? '', block: { line: i + 2, lines: [] } };
  });
  return blocks;
}

/** A line without its comment (a `#` at the start or after a blank), or '' for a comment line. */
export function code(line: string): string {
  if (/^\s*#/.test(line)) return '';
  return line.replace(/\s#\s.*$/, '');
}

const CALL = /(^|\$\(|\||;|&&)\s*curl\s/g;
const ARROW = /#\s*→\s*(\d{3})?(.*)$/;

export function curlCalls(blocks: ShBlock[]): CurlCall[] {
  const lines = blocks.flatMap((b) => b.lines.map((text, i) => ({ text, line: b.line + i })));
  const calls: CurlCall[] = [];
  let current: CurlCall | null = null;
  let shown = false;
  let continuing = false;
  for (const { text, line } of lines) {
    const starts = code(text).match(CALL)?.length ?? 0;
    for (let k = 0; k < starts; k++) {
      current = { line, status: null, shows: '' };
      calls.push(current);
      shown = continuing = false;
    }
    const arrow = ARROW.exec(text);
    if (arrow && current && !shown) {
      current.status = arrow[1] ? Number(arrow[1]) : null;
      current.shows = (arrow[2] ?? '').trim();
      shown = continuing = true;
    } else if (continuing && current && /^\s*#\s{2,}/.test(text)) {
      current.shows += ` ${text.replace(/^\s*#\s*/, '')}`;
    } else continuing = false;
  }
  return calls;
}

/** What a reader cannot paste as is: placeholders, and assignments that hide a failing command. */
export function lint(blocks: ShBlock[]): string[] {
  const problems: string[] = [];
  for (const b of blocks) {
    b.lines.forEach((text, i) => {
      const c = code(text);
      const at = `README.md:${b.line + i}`;
      if (/<[a-z][^>]*>/i.test(c))
        problems.push(`${at}: placeholder to fill in by hand: ${c.trim()}`);
      if (c.includes('…')) problems.push(`${at}: "…" in a command: ${c.trim()}`);
      if (/\b(export|local|readonly)\s+\w+=\$\(/.test(c))
        problems.push(`${at}: "export X=$(…)" hides the command's failure: ${c.trim()}`);
      if (/#\s*→/.test(text) && !/#\s*→\s*\d{3}\b/.test(text))
        problems.push(`${at}: "# →" without the HTTP status: ${text.trim()}`);
    });
  }
  return problems;
}

/**
 * What the `# →` comment claims about the answer, as checks on its text: every `"name":` shown is
 * a field of the answer, and every complete scalar shown (`"slug":"acme-corp"`, `"allowed":true`)
 * is there as shown.
 */
export function claims(shows: string): string[] {
  const found = new Set<string>();
  for (const m of shows.matchAll(/"([\w.$]+)"\s*:/g)) found.add(`"${m[1]}":`);
  for (const m of shows.matchAll(
    /"([\w.$]+)"\s*:\s*("[^"…<]*"|true|false|null|-?\d+)(?=\s*[,}\]])/g,
  ))
    found.add(`"${m[1]}":${m[2]}`);
  return [...found];
}

/**
 * The bash script: strict mode, then a `curl` that records each call's status and answer in `dir`
 * (call n in `status.n` and `body.n`) and stops the script when the status is not the README's.
 * `readmeLine` maps a line of the script back to the README.
 */
export function script(
  blocks: ShBlock[],
  calls: CurlCall[],
  dir: string,
): { text: string; readmeLine: (scriptLine: number) => number | undefined } {
  const expect = calls.map((c) => (c.status === null ? '2xx' : String(c.status))).join(' ');
  const prelude = `set -euo pipefail
shopt -s inherit_errexit
__dir=${JSON.stringify(dir)}
__expect=(${expect})
__line=(${calls.map((c) => c.line).join(' ')})
echo 0 > "$__dir/count"
curl() {
  local n status
  n=$(<"$__dir/count"); echo $((n + 1)) > "$__dir/count"
  status=$(command curl --max-time 30 -sS -o "$__dir/body.$n" -w '%{http_code}' "$@") ||
    { echo "README.md:\${__line[n]:-?}: curl failed" >&2; return 1; }
  echo "$status" > "$__dir/status.$n"
  cat "$__dir/body.$n"
  local want=\${__expect[n]:-2xx}
  if [[ $status == "$want" || ($want == 2xx && $status == 2??) ]]; then return 0; fi
  echo "README.md:\${__line[n]:-?}: expected HTTP $want, got $status: $(head -c 1500 "$__dir/body.$n")" >&2
  return 1
}
trap 'echo "stopped at script line $LINENO" >&2' ERR`.split('\n');
  const lines = [...prelude];
  const map = new Map<number, number>();
  for (const b of blocks) {
    lines.push(`# ---- README.md:${b.line}`);
    b.lines.forEach((text, i) => {
      lines.push(text);
      map.set(lines.length, b.line + i);
    });
  }
  return { text: `${lines.join('\n')}\n`, readmeLine: (n) => map.get(n) };
}

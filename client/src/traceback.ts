/** Reads a Python traceback from a process's output: the failure line and the frame to jump to. */

export interface Frame {
  file: string;
  line: number;
}

export interface Failure {
  /** The last line of the traceback, e.g. "ModuleNotFoundError: No module named 'x'". */
  message: string;
  /** The deepest frame inside the project (else the deepest frame at all). */
  location?: Frame;
}

const FRAME = /^\s*File "([^"]+)", line (\d+)/;
const EXCEPTION_LINE = /^([A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)|[A-Za-z_][\w.]*Error)\b(:.*)?$/;

function isInside(file: string, root: string): boolean {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const f = norm(file);
  const r = norm(root);
  return f === r || f.startsWith(`${r}/`);
}

/**
 * Finds the failure in `output` (stdout and stderr interleaved). Frames inside `projectRoot`
 * win over library frames, because the user can fix those. Returns undefined when the output
 * holds no traceback and no error-looking last line.
 */
export function parseFailure(output: string, projectRoot?: string): Failure | undefined {
  const lines = output.split(/\r?\n/);
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].startsWith('Traceback (most recent call last):')) {
      start = i;
      break;
    }
  }
  const frames: Frame[] = [];
  let message: string | undefined;
  if (start >= 0) {
    for (let i = start + 1; i < lines.length; i++) {
      const frame = FRAME.exec(lines[i]);
      if (frame) {
        frames.push({ file: frame[1], line: Number(frame[2]) });
        continue;
      }
      // The exception line is the first unindented line after the frames.
      if (frames.length > 0 && lines[i].length > 0 && !/^\s/.test(lines[i])) {
        message = lines[i].trim();
        break;
      }
    }
  }
  if (message === undefined) {
    const last = [...lines].reverse().find((l) => l.trim().length > 0);
    if (last === undefined || !(EXCEPTION_LINE.test(last.trim()) || /^Error: /.test(last.trim()))) {
      return undefined;
    }
    message = last.trim();
    // Lone "File ..., line N" blocks (SyntaxError printed by the compiler) still locate it.
    for (const l of lines) {
      const frame = FRAME.exec(l);
      if (frame) {
        frames.push({ file: frame[1], line: Number(frame[2]) });
      }
    }
  }
  const inProject = projectRoot ? frames.filter((f) => isInside(f.file, projectRoot)) : [];
  const location = inProject.length > 0 ? inProject[inProject.length - 1] : frames[frames.length - 1];
  return location ? { message, location } : { message };
}

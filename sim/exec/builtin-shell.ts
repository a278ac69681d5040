/**
 * What runs when someone execs into a simulated container: a small `/bin/sh` (dash-like
 * messages) with `ls`, `cat`, `env`/`printenv`, `hostname`, `pwd`, `cd`, `echo`, `whoami`,
 * `true`, `false` and `exit`, over the container's read-only files. `sh -c '...'` and single
 * commands (`kubectl exec pod -- ls /`) use the same builtins.
 *
 * With a TTY it behaves like a terminal: a `# ` prompt, input echoed, CR LF line ends.
 */
import { posix } from 'node:path';
import type { ContainerFilesystem } from './container-filesystem.js';

export interface ShellIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The process ended with this exit code; nothing is written after it. */
  exit(code: number): void;
}

export interface ShellContext {
  env: Record<string, string>;
  fs: ContainerFilesystem;
  tty: boolean;
}

const SHELLS = new Set(['/bin/sh', 'sh', '/bin/bash', 'bash', '/bin/ash', 'ash']);

export class BuiltinShell {
  private cwd = '/';
  private buffer = '';
  private interactive = false;
  private ended = false;
  private lastCode = 0;

  constructor(
    private readonly ctx: ShellContext,
    private readonly io: ShellIo,
  ) {}

  /** Runs the exec'd command: an interactive shell, `sh -c script`, or one builtin. */
  start(command: string[]): void {
    const [program = '', ...args] = command;
    if (SHELLS.has(program)) {
      if (args[0] === '-c') {
        for (const line of (args[1] ?? '').split(/\n|;/)) {
          if (this.ended) return;
          this.runLine(line, program);
        }
        this.finish(this.lastCode);
        return;
      }
      this.interactive = true;
      this.prompt();
      return;
    }
    if (!this.isBuiltin(program)) {
      this.io.stderr(`exec: "${program}": executable file not found in $PATH\n`);
      this.finish(127);
      return;
    }
    this.runLine(command.map(quote).join(' '), program);
    this.finish(this.lastCode);
  }

  input(data: Buffer): void {
    if (!this.interactive || this.ended) return;
    const text = data.toString('utf8');
    if (this.ctx.tty) this.io.stdout(text.replace(/\r/g, '\r\n'));
    this.buffer += this.ctx.tty ? text.replace(/\r\n?/g, '\n') : text;
    let nl: number;
    while (!this.ended && (nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.runLine(line, '/bin/sh');
      if (!this.ended) this.prompt();
    }
  }

  /** stdin closed: an interactive shell exits as sh does at end of input. */
  endInput(): void {
    if (this.interactive && !this.ended) {
      if (this.buffer.trim()) this.runLine(this.buffer, '/bin/sh');
      if (this.ctx.tty && !this.ended) this.out('\n');
      this.finish(this.lastCode);
    }
  }

  private prompt(): void {
    if (this.ctx.tty) this.io.stdout('# ');
  }

  private out(text: string): void {
    this.io.stdout(this.ctx.tty ? text.replace(/\n/g, '\r\n') : text);
  }

  private err(text: string): void {
    this.io.stderr(this.ctx.tty ? text.replace(/\n/g, '\r\n') : text);
  }

  private finish(code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.io.exit(code);
  }

  private isBuiltin(name: string): boolean {
    return BUILTINS.has(posix.basename(name));
  }

  private runLine(line: string, shell: string): void {
    const words = splitWords(line.trim());
    const [name = '', ...args] = words;
    if (!name) return;
    const builtin = posix.basename(name);
    switch (builtin) {
      case 'exit':
        this.finish(args[0] !== undefined ? Number(args[0]) & 255 : this.lastCode);
        return;
      case 'ls':
        this.lastCode = this.ls(args);
        return;
      case 'cat':
        this.lastCode = this.cat(args);
        return;
      case 'env':
      case 'printenv':
        this.lastCode = this.env(args);
        return;
      case 'hostname':
        this.out(`${this.ctx.env.HOSTNAME ?? ''}\n`);
        this.lastCode = 0;
        return;
      case 'pwd':
        this.out(`${this.cwd}\n`);
        this.lastCode = 0;
        return;
      case 'whoami':
        this.out('root\n');
        this.lastCode = 0;
        return;
      case 'echo':
        this.out(`${args.map((a) => this.expand(a)).join(' ')}\n`);
        this.lastCode = 0;
        return;
      case 'cd': {
        const target = this.resolve(args[0] ?? this.ctx.env.HOME ?? '/');
        if (!this.ctx.fs.directories.has(target)) {
          this.err(`${shell}: 1: cd: can't cd to ${args[0] ?? ''}\n`);
          this.lastCode = 2;
        } else {
          this.cwd = target;
          this.lastCode = 0;
        }
        return;
      }
      case 'true':
        this.lastCode = 0;
        return;
      case 'false':
        this.lastCode = 1;
        return;
      default:
        this.err(`${shell}: 1: ${name}: not found\n`);
        this.lastCode = 127;
    }
  }

  private expand(word: string): string {
    return word.replace(
      /\$(\w+)|\$\{(\w+)\}/g,
      (_, a: string | undefined, b: string | undefined) => this.ctx.env[a ?? b ?? ''] ?? '',
    );
  }

  private resolve(path: string): string {
    return posix.resolve(this.cwd, this.expand(path));
  }

  private childrenOf(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    for (const path of [...this.ctx.fs.directories, ...this.ctx.fs.files.keys()]) {
      if (path !== dir && path.startsWith(prefix)) {
        const rest = path.slice(prefix.length);
        if (rest && !rest.includes('/')) names.add(rest);
      }
    }
    return [...names].sort();
  }

  private ls(args: string[]): number {
    const flags = args.filter((a) => a.startsWith('-')).join('');
    const all = flags.includes('a');
    const paths = args.filter((a) => !a.startsWith('-'));
    const targets = paths.length > 0 ? paths : ['.'];
    let code = 0;
    targets.forEach((target, i) => {
      const path = this.resolve(target);
      if (this.ctx.fs.files.has(path)) {
        this.out(`${target}\n`);
        return;
      }
      if (!this.ctx.fs.directories.has(path)) {
        this.err(`ls: cannot access '${target}': No such file or directory\n`);
        code = 2;
        return;
      }
      if (targets.length > 1) this.out(`${i > 0 ? '\n' : ''}${target}:\n`);
      const names = [...(all ? ['.', '..'] : []), ...this.childrenOf(path)];
      if (names.length === 0) return;
      this.out(this.ctx.tty ? `${names.join('  ')}\n` : `${names.join('\n')}\n`);
    });
    return code;
  }

  private cat(args: string[]): number {
    let code = 0;
    for (const target of args) {
      const path = this.resolve(target);
      const content = this.ctx.fs.files.get(path);
      if (content !== undefined) this.out(content);
      else if (this.ctx.fs.directories.has(path)) {
        this.err(`cat: ${target}: Is a directory\n`);
        code = 1;
      } else {
        this.err(`cat: ${target}: No such file or directory\n`);
        code = 1;
      }
    }
    return code;
  }

  private env(args: string[]): number {
    if (args.length > 0) {
      const value = this.ctx.env[args[0] ?? ''];
      if (value === undefined) return 1;
      this.out(`${value}\n`);
      return 0;
    }
    this.out(
      Object.entries(this.ctx.env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return 0;
  }
}

const BUILTINS = new Set([
  'ls',
  'cat',
  'env',
  'printenv',
  'hostname',
  'pwd',
  'whoami',
  'echo',
  'true',
  'false',
]);

function quote(word: string): string {
  return /[\s'"]/.test(word) ? `'${word.replace(/'/g, `'\\''`)}'` : word;
}

/** Splits a command line into words, honouring single and double quotes. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quoteChar: string | undefined;
  let started = false;
  for (const ch of line) {
    if (quoteChar) {
      if (ch === quoteChar) quoteChar = undefined;
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quoteChar = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || current) words.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
    }
  }
  if (started || current) words.push(current);
  return words;
}

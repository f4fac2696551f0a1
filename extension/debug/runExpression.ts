/**
 * The debugger's expression language, for conditional breakpoints (`tokens > 5000`, `cost > 0.10`)
 * and the debug console (`agents.checker.costUsd`, `budgetLeft < 0.05 && turn >= 2`). A small parser
 * and evaluator over plain data: no `eval`, no prototype access, nothing that can touch the process.
 *
 *   expr  := or;  or := and ('||' and)*;  and := cmp ('&&' cmp)*
 *   cmp   := sum (('=='|'!='|'<'|'<='|'>'|'>=') sum)?;  sum := prod (('+'|'-') prod)*
 *   prod  := unary (('*'|'/'|'%') unary)*;  unary := ('!'|'-') unary | path
 *   path  := primary ('.' name | '[' expr ']')*;  primary := number | string | name | '(' expr ')'
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

type Token = { kind: 'num'; value: number } | { kind: 'str'; value: string } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '===', '!==', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', '.', '[', ']'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      tokens.push({ kind: 'num', value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_$][\w$-]*/.exec(rest);
    if (name) {
      // Agent names may hold "-" (`agents.credit-check`); a trailing "-" is the operator.
      const word = name[0].replace(/-+$/, '');
      tokens.push({ kind: 'name', value: word });
      i += word.length;
      continue;
    }
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      const end = rest.indexOf(quote, 1);
      if (end < 0) throw new ExpressionError(`unterminated string at column ${i + 1}`);
      tokens.push({ kind: 'str', value: rest.slice(1, end) });
      i += end + 1;
      continue;
    }
    const op = [...OPERATORS].sort((a, b) => b.length - a.length).find((o) => rest.startsWith(o));
    if (!op) throw new ExpressionError(`unexpected "${rest[0]}" at column ${i + 1}`);
    tokens.push({ kind: 'op', value: op });
    i += op.length;
  }
  return tokens;
}

/** Looks a name up in plain data, own properties only. */
function member(target: unknown, key: unknown): unknown {
  if (Array.isArray(target)) {
    if (key === 'length') return target.length;
    return typeof key === 'number' ? target[key] : undefined;
  }
  if (typeof target === 'string' && key === 'length') return target.length;
  if (typeof target === 'object' && target !== null && Object.hasOwn(target, String(key))) {
    return Reflect.get(target, String(key));
  }
  return undefined;
}

class Parser {
  private at = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly scope: Record<string, unknown>,
  ) {}

  parse(): unknown {
    if (this.tokens.length === 0) throw new ExpressionError('empty expression');
    const value = this.or();
    const extra = this.tokens[this.at];
    if (extra) throw new ExpressionError(`unexpected "${String(extra.value)}"`);
    return value;
  }

  private peekOp(...ops: string[]): string | null {
    const t = this.tokens[this.at];
    return t?.kind === 'op' && ops.includes(t.value) ? t.value : null;
  }

  private expectOp(op: string): void {
    if (!this.peekOp(op)) throw new ExpressionError(`expected "${op}"`);
    this.at++;
  }

  private or(): unknown {
    let left = this.and();
    while (this.peekOp('||')) {
      this.at++;
      const right = this.and();
      left = Boolean(left) || Boolean(right);
    }
    return left;
  }

  private and(): unknown {
    let left = this.cmp();
    while (this.peekOp('&&')) {
      this.at++;
      const right = this.cmp();
      left = Boolean(left) && Boolean(right);
    }
    return left;
  }

  private cmp(): unknown {
    const left = this.sum();
    const op = this.peekOp('==', '!=', '===', '!==', '<', '<=', '>', '>=');
    if (!op) return left;
    this.at++;
    const right = this.sum();
    switch (op) {
      case '==':
      case '===':
        return left === right;
      case '!=':
      case '!==':
        return left !== right;
      default: {
        if (typeof left !== 'number' || typeof right !== 'number') throw new ExpressionError(`"${op}" compares numbers`);
        return op === '<' ? left < right : op === '<=' ? left <= right : op === '>' ? left > right : left >= right;
      }
    }
  }

  private sum(): unknown {
    let left = this.prod();
    for (let op = this.peekOp('+', '-'); op; op = this.peekOp('+', '-')) {
      this.at++;
      const right = this.prod();
      if (op === '+' && (typeof left === 'string' || typeof right === 'string')) left = `${String(left)}${String(right)}`;
      else left = op === '+' ? num(left, op) + num(right, op) : num(left, op) - num(right, op);
    }
    return left;
  }

  private prod(): unknown {
    let left = this.unary();
    for (let op = this.peekOp('*', '/', '%'); op; op = this.peekOp('*', '/', '%')) {
      this.at++;
      const right = num(this.unary(), op);
      const l = num(left, op);
      left = op === '*' ? l * right : op === '/' ? l / right : l % right;
    }
    return left;
  }

  private unary(): unknown {
    const op = this.peekOp('!', '-');
    if (!op) return this.path();
    this.at++;
    const value = this.unary();
    return op === '!' ? !value : -num(value, op);
  }

  private path(): unknown {
    let value = this.primary();
    for (let op = this.peekOp('.', '['); op; op = this.peekOp('.', '[')) {
      this.at++;
      if (op === '.') {
        const name = this.tokens[this.at];
        if (name?.kind !== 'name') throw new ExpressionError('expected a name after "."');
        this.at++;
        value = member(value, name.value);
      } else {
        const key = this.or();
        this.expectOp(']');
        value = member(value, key);
      }
    }
    return value;
  }

  private primary(): unknown {
    const t = this.tokens[this.at++];
    if (!t) throw new ExpressionError('unexpected end of expression');
    if (t.kind === 'num' || t.kind === 'str') return t.value;
    if (t.kind === 'name') {
      if (t.value === 'true') return true;
      if (t.value === 'false') return false;
      if (t.value === 'null') return null;
      if (!Object.hasOwn(this.scope, t.value)) throw new ExpressionError(`unknown name "${t.value}" (try: ${Object.keys(this.scope).join(', ')})`);
      return this.scope[t.value];
    }
    if (t.value === '(') {
      const value = this.or();
      this.expectOp(')');
      return value;
    }
    throw new ExpressionError(`unexpected "${t.value}"`);
  }
}

function num(value: unknown, op: string): number {
  if (typeof value !== 'number') throw new ExpressionError(`"${op}" needs numbers, got ${value === undefined ? 'undefined' : JSON.stringify(value)}`);
  return value;
}

/** Evaluates `text` over `scope`; throws `ExpressionError` with a reason a person can act on. */
export function evaluateRunExpression(text: string, scope: Record<string, unknown>): unknown {
  return new Parser(tokenize(text), scope).parse();
}

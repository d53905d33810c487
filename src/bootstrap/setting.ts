/**
 * How a setting is declared (settings.ts declares each once): its variable, its parser, its default
 * and its line of documentation. From the declarations come the configuration's type (config.ts),
 * the reading and validation of the environment (readSettings), README's configuration table
 * (configurationTable, `npm run docs:config`) and what a Lambda deployment passes (lambdaVariables).
 */
import type * as z from 'zod';

interface Documented {
  /** The variable, as an operator sets it. */
  readonly name: string;
  /** The README's "meaning" cell (Markdown, one line). */
  readonly doc: string;
}

/** One environment variable, read through its parser. */
interface ValueSetting<T> extends Documented {
  readonly kind: 'value';
  readonly lambda: LambdaPlacement;
  /** Reads the variable's text (never blank: a blank variable counts as unset). */
  readonly parse: z.ZodType<T>;
  /** The text the variable has when unset, read by `parse` like a value given. */
  readonly default?: string;
  /** A default that depends on other settings, as the README says it (applied in config.ts). */
  readonly defaultRule?: string;
  /** A secret: a message about a bad value must not repeat it. */
  readonly secret?: boolean;
}

/** Every variable whose name matches `pattern`, by name (SITE_PROXY_SECRET_<WEMA>). */
interface FamilySetting extends Documented {
  readonly kind: 'family';
  readonly pattern: RegExp;
}

/** A variable documented here but read by an adapter itself, outside the configuration (SQLITE_ADDON). */
interface OutsideSetting extends Documented {
  readonly kind: 'outside';
}

type AnySetting = ValueSetting<unknown> | FamilySetting | OutsideSetting;

/**
 * Where a deployment on AWS Lambda (infra/) gets the variable: passed from the deploying shell to
 * the function (`function`: an operator's choice), set by the stack or the runtime (`stack`), or
 * nowhere, meaning nothing there (`server`: a long-lived server's port, SQLite file, sockets).
 */
export type LambdaPlacement = 'function' | 'stack' | 'server';

interface ValueSpec {
  readonly lambda: LambdaPlacement;
  readonly doc: string;
  readonly default?: string;
  readonly defaultRule?: string;
  readonly secret?: boolean;
}

export function setting<T, S extends ValueSpec>(name: string, parse: z.ZodType<T>, spec: S): ValueSetting<T> & S {
  return { kind: 'value', name, parse, ...spec };
}

export function family(name: string, pattern: RegExp, doc: string): FamilySetting {
  return { kind: 'family', name, pattern, doc };
}

export function outside(name: string, doc: string): OutsideSetting {
  return { kind: 'outside', name, doc };
}

/** A setting's value in the configuration: a setting with a default always has one. */
type ValueOf<S> = S extends FamilySetting ? Readonly<Record<string, string>>
  : S extends ValueSetting<infer T> & { readonly default: string } ? T
    : S extends ValueSetting<infer T> ? T | undefined : never;

/** The values of a set of declarations, by key (an outside setting has none). */
export type SettingValues<D extends Readonly<Record<string, AnySetting>>> = {
  readonly [K in keyof D as D[K] extends OutsideSetting ? never : K]: ValueOf<D[K]>;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const isBlank = (text: string | undefined): boolean => text === undefined || text.trim() === '';

/**
 * Reads every declared setting from `env`, in declaration order; the first bad value stops with a
 * ConfigError naming the variable (and what it got, unless it is a secret).
 */
export function readSettings<D extends Readonly<Record<string, AnySetting>>>(declarations: D, env: NodeJS.ProcessEnv): SettingValues<D> {
  const values: Record<string, unknown> = {};
  for (const [key, declared] of Object.entries(declarations)) {
    if (declared.kind === 'outside') continue;
    if (declared.kind === 'family') {
      values[key] = Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => declared.pattern.test(kv[0]) && typeof kv[1] === 'string' && kv[1] !== ''));
      continue;
    }
    const given = env[declared.name];
    const text = isBlank(given) ? declared.default : given;
    if (text === undefined) continue;
    const parsed = declared.parse.safeParse(text);
    if (!parsed.success) {
      const got = declared.secret ? '' : ` (got ${JSON.stringify(given)})`;
      throw new ConfigError(`Invalid configuration: ${declared.name} ${parsed.error.issues[0]?.message ?? 'is invalid'}${got}`);
    }
    values[key] = parsed.data;
  }
  return values as SettingValues<D>;
}

/** The variables read through the configuration, by name (a family or an outside setting is not one). */
export function variableNames(declarations: Readonly<Record<string, AnySetting>>): string[] {
  return Object.values(declarations).filter((d) => d.kind === 'value').map((d) => d.name);
}

/** The variables of the value settings a Lambda deployment places so (see LambdaPlacement). */
export function lambdaVariables(declarations: Readonly<Record<string, AnySetting>>, placement: LambdaPlacement): string[] {
  return Object.values(declarations).flatMap((declared) => (declared.kind === 'value' && declared.lambda === placement ? [declared.name] : []));
}

/** README's configuration table: one row a variable, in declaration order. */
export function configurationTable(declarations: Readonly<Record<string, AnySetting>>): string {
  const defaultCell = (d: AnySetting): string => {
    if (d.kind !== 'value') return '–';
    if (d.default !== undefined) return d.default === '' ? '–' : `\`${d.default}\``;
    return d.defaultRule ?? '–';
  };
  const rows = Object.values(declarations).map((d) => `| \`${d.name}\` | ${defaultCell(d)} | ${d.doc} |`);
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

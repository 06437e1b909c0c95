// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the cases are ${VAR} references
import { describe, expect, it } from 'vitest';
import { interpolateCompose } from '../../../src/config/interpolate-compose.js';

// The mapping of compose-go's template_test.go: FOO set, BAR set but empty.
const VARS = { FOO: 'first', BAR: '' };
const value = (input: string) => {
  const result = interpolateCompose(input, VARS);
  if (!result.ok) throw new Error(result.message);
  return result.value;
};
const error = (input: string) => {
  const result = interpolateCompose(input, VARS);
  return result.ok ? null : result.message;
};

describe('compose interpolation (compose-go template_test.go cases)', () => {
  it('$$ is a literal $; a $ that starts no reference stays', () => {
    expect(value('$${foo}')).toBe('${foo}');
    for (const text of ['a $ string', '^REGEX$', '$}', '$']) expect(value(text)).toBe(text);
  });

  it('$VAR and ${VAR}; an unset or empty one is blank, and the unset name is reported', () => {
    expect(value('This $FOO var')).toBe('This first var');
    expect(value('This ${FOO} var')).toBe('This first var');
    expect(value('$FOO-bar')).toBe('first-bar');
    expect(interpolateCompose('This ${missing} var', VARS)).toEqual({
      ok: true,
      value: 'This  var',
      unset: ['missing'],
    });
    expect(interpolateCompose('This $BAR var', VARS)).toEqual({ ok: true, value: 'This  var', unset: [] });
  });

  it(':- and - defaults; :+ and + alternatives', () => {
    expect(value('ok ${missing:-def}')).toBe('ok def');
    expect(value('ok ${missing-def}')).toBe('ok def');
    expect(value('ok ${BAR:-def}')).toBe('ok def');
    expect(value('ok ${BAR-def}')).toBe('ok ');
    expect(value('ok ${FOO:-def}')).toBe('ok first');
    expect(value('ok ${UNSET_VAR:+presence_value}')).toBe('ok ');
    expect(value('ok ${UNSET_VAR+presence_value}')).toBe('ok ');
    expect(value('ok ${FOO:+presence_value}')).toBe('ok presence_value');
    expect(value('ok ${BAR+presence_value}')).toBe('ok presence_value');
    expect(value('ok ${BAR:+presence_value}')).toBe('ok ');
    expect(value('ok ${BAR:-/non:-alphanumeric}')).toBe('ok /non:-alphanumeric');
    expect(value('${UNSET_VAR-myerror?msg}')).toBe('myerror?msg');
  });

  it('nested references in defaults and alternatives', () => {
    expect(value('ok ${UNSET_VAR-$FOO}')).toBe('ok first');
    expect(value('ok ${UNSET_VAR-${FOO} ${FOO}}')).toBe('ok first first');
    expect(value('ok ${BAR:-${FOO}}')).toBe('ok first');
    expect(value('ok ${BAR+$FOO ${FOO:+second}}')).toBe('ok first second');
    expect(value('+ok ${UNSET:-${BAR-defaultValue}}')).toBe('+ok ');
    expect(value('${A:-${B:-c}}')).toBe('c');
  });

  it(":? and ? are errors with compose's message", () => {
    expect(error('not ok ${UNSET_VAR:?Mandatory Variable Unset}')).toBe(
      'required variable UNSET_VAR is missing a value: Mandatory Variable Unset',
    );
    expect(error('not ok ${BAR:?Mandatory Variable Empty}')).toBe(
      'required variable BAR is missing a value: Mandatory Variable Empty',
    );
    expect(error('not ok ${UNSET_VAR:?}')).toBe('required variable UNSET_VAR is missing a value');
    expect(error('not ok ${UNSET_VAR?}')).toBe('required variable UNSET_VAR is missing a value');
    expect(error('not ok ${UNSET_VAR?Mandatory Variable ${FOO}}')).toBe(
      'required variable UNSET_VAR is missing a value: Mandatory Variable first',
    );
    expect(error('${UNSET_VAR?bar-baz}')).toBe('required variable UNSET_VAR is missing a value: bar-baz');
    expect(value('ok ${FOO:?err}')).toBe('ok first');
    expect(value('ok ${BAR?err}')).toBe('ok ');
  });

  it('malformed ${…} is an "Invalid template" error', () => {
    for (const text of ['${', '${}', '${ }', '${ foo}', '${foo }', '${foo!}']) {
      expect(error(text)).toMatch(/^Invalid template: /);
    }
  });
});

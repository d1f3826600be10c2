import { InputError } from '../../core/errors.ts'
import { ScenarioNameSchema } from '../../core/names.ts'
import { type Scenario, settingOf } from '../runner/plan/scenario.ts'
import { documentedAssumptions, parseSettingFlag, type SettingValue, withSettings } from '../runner/plan/settings.ts'

/**
 * The robustness map of `bench facts --vary`: the facts re-checked with the model's uncertain settings moved across
 * their values, one at a time from the scenario's own values (the default), or over the full grid (--grid). Each
 * point is a scenario of its own, named after what it changes, so its rows stay apart in summary.csv.
 */

export interface VaryAxis {
  path: string
  values: SettingValue[]
  /** The scenario's own value of the setting. */
  base: SettingValue
}

export interface MapPoint {
  scenario: Scenario
  /** Every varied setting's value at this point, in axis order. */
  settings: [string, SettingValue][]
  /** The settings that differ from the scenario's own values; empty for the base point. */
  changed: [string, SettingValue][]
}

/** The word `--vary` takes for every documented assumption at the ends of its plausible range. */
export const ALL_ASSUMPTIONS = 'assumptions'

/** The axes `--vary` flags ask for: PATH=v1,v2,…, PATH (the ends of its plausible range) or "assumptions" (each). */
export function varyAxes(flags: readonly string[], scenario: Scenario): VaryAxis[] {
  const expanded = flags.flatMap((flag) =>
    flag === ALL_ASSUMPTIONS ? documentedAssumptions().map((a) => a.path) : [flag],
  )
  const axes = expanded.map((flag) => {
    const { path, values } = parseSettingFlag(flag, '--vary')
    const base = settingOf(scenario, path)
    if (typeof base !== 'number' && typeof base !== 'boolean' && typeof base !== 'string')
      throw new InputError(`--vary ${flag}: ${path} has no single value on scenario ${scenario.name} to vary from`)
    return { path, values, base }
  })
  const twice = axes.find((a, i) => axes.findIndex((b) => b.path === a.path) !== i)
  if (twice) throw new InputError(`--vary: ${twice.path} is varied twice; list its values in one flag`)
  return axes
}

/**
 * The scenarios to check: the base point first (the scenario itself), then one point per value that differs from the
 * scenario's own (one at a time), or every combination of the listed values (grid).
 */
export function mapPoints(scenario: Scenario, axes: readonly VaryAxis[], grid: boolean): MapPoint[] {
  if (grid && axes.length === 0) throw new InputError('--grid combines the values of --vary settings; add --vary')
  const same = (a: SettingValue, b: SettingValue) => String(a) === String(b)
  const combos: SettingValue[][] = grid
    ? axes.reduce<SettingValue[][]>((acc, axis) => acc.flatMap((c) => axis.values.map((v) => [...c, v])), [[]])
    : axes.flatMap((axis, i) =>
        axis.values.filter((v) => !same(v, axis.base)).map((v) => axes.map((a, j) => (j === i ? v : a.base))),
      )
  const baseCombo = axes.map((a) => a.base)
  const others = combos.filter((c) => !c.every((v, i) => same(v, baseCombo[i])))
  return [baseCombo, ...others].map((combo, index) => {
    const settings = axes.map((a, i): [string, SettingValue] => [a.path, combo[i]])
    const changed = settings.filter(([, v], i) => !same(v, axes[i].base))
    return { scenario: withSettings(scenario, changed, pointName(scenario.name, changed, index)), settings, changed }
  })
}

/** A point's scenario name: the base's, then each changed setting (`default.market.adLossTolerance_0.25`). */
function pointName(base: string, changed: readonly [string, SettingValue][], index: number): string {
  if (changed.length === 0) return base
  const name = `${base}.${changed.map(([path, v]) => `${path}_${v}`).join('.')}`
  return ScenarioNameSchema.safeParse(name).success ? name : `${base}.point${index}`
}

/** `PATH=value;…` of a point's settings, as facts_map.csv writes them. */
export const settingsText = (settings: readonly [string, SettingValue][]) =>
  settings.map(([path, v]) => `${path}=${v}`).join(';')

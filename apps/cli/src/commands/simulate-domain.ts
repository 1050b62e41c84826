// The domain pieces the simulate command uses, in one place.
export { InvalidScenarioError, InvalidSpecsError, parseScenario, runScenario, stepJson } from '@freshet/domain';
export type { EvaluateStepResult, ScenarioResult } from '@freshet/domain';
export { formatInstant } from '@freshet/domain/time';

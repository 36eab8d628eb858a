/** SSM Parameter Store of one region: String / StringList / SecureString parameters with versions. */
import type {
  DeleteParameterCommandInput,
  GetParameterCommandInput,
  GetParameterCommandOutput,
  GetParametersCommandInput,
  GetParametersCommandOutput,
  Parameter,
  ParameterType,
  PutParameterCommandInput,
  PutParameterCommandOutput,
} from '@aws-sdk/client-ssm';
import type { RegionContext } from './context.ts';
import { awsError } from './errors.ts';

type Output<T> = Omit<T, '$metadata'>;

interface StoredParameter {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  lastModified: Date;
  tier: 'Standard' | 'Advanced';
}

const TYPES: readonly string[] = ['String', 'StringList', 'SecureString'];
/**
 * Value size per parameter tier (Systems Manager User Guide, "Managing parameter tiers"): Standard 4 KB, Advanced
 * 8 KB. Intelligent-Tiering picks Standard when the value fits it, else Advanced; an Advanced parameter never
 * goes back to Standard. Without `Tier` a parameter is Standard (the account's default tier unless changed).
 */
const MAX_VALUE_BYTES = { Standard: 4096, Advanced: 8192 } as const;
const TIERS: readonly string[] = ['Standard', 'Advanced', 'Intelligent-Tiering'];

export class SsmService {
  private readonly parameters = new Map<string, StoredParameter>();

  constructor(private readonly ctx: RegionContext) {}

  /** Every parameter's current value, for the local state view. */
  values(): Record<string, string> {
    return Object.fromEntries([...this.parameters.values()].map((p) => [p.name, p.value]));
  }

  async getParameter(input: GetParameterCommandInput): Promise<Output<GetParameterCommandOutput>> {
    const parameter = this.parameters.get(input.Name ?? '');
    if (!parameter) throw awsError('ssm', 'ParameterNotFound', `Parameter ${input.Name} not found.`);
    return { Parameter: this.toSdk(parameter) };
  }

  async getParameters(input: GetParametersCommandInput): Promise<Output<GetParametersCommandOutput>> {
    const names = input.Names ?? [];
    if (names.length === 0 || names.length > 10) {
      throw awsError(
        'ssm',
        'ValidationException',
        "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    }
    const found = names
      .map((n) => this.parameters.get(n))
      .filter((p): p is StoredParameter => p !== undefined);
    return {
      Parameters: found.map((p) => this.toSdk(p)),
      InvalidParameters: names.filter((n) => !this.parameters.has(n)),
    };
  }

  async putParameter(input: PutParameterCommandInput): Promise<Output<PutParameterCommandOutput>> {
    const name = input.Name;
    if (!name) throw awsError('ssm', 'ValidationException', 'Parameter name must not be empty.');
    if (!/^[a-zA-Z0-9_.\-/]+$/.test(name) || name.length > 1011) {
      throw awsError(
        'ssm',
        'ValidationException',
        `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Got ${name}`,
      );
    }
    if (input.Value === undefined || input.Value === '') {
      throw awsError(
        'ssm',
        'ValidationException',
        "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    }
    if (input.Tier !== undefined && !TIERS.includes(input.Tier)) {
      throw awsError(
        'ssm',
        'ValidationException',
        `1 validation error detected: Value '${input.Tier}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]`,
      );
    }
    const bytes = Buffer.byteLength(input.Value, 'utf8');
    const before = this.parameters.get(name)?.tier;
    const tier: StoredParameter['tier'] =
      before === 'Advanced' || input.Tier === 'Advanced'
        ? 'Advanced'
        : input.Tier === 'Intelligent-Tiering' && bytes > MAX_VALUE_BYTES.Standard
          ? 'Advanced'
          : 'Standard';
    if (bytes > MAX_VALUE_BYTES[tier]) {
      throw awsError(
        'ssm',
        'ValidationException',
        tier === 'Standard'
          ? `Standard tier parameters support a maximum parameter value of ${MAX_VALUE_BYTES.Standard} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.`
          : `Advanced tier parameters support a maximum parameter value of ${MAX_VALUE_BYTES.Advanced} characters.`,
      );
    }
    if (input.Type !== undefined && !TYPES.includes(input.Type)) {
      throw awsError(
        'ssm',
        'ValidationException',
        `1 validation error detected: Value '${input.Type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`,
      );
    }
    const existing = this.parameters.get(name);
    if (existing && !input.Overwrite) {
      throw awsError(
        'ssm',
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    const stored: StoredParameter = {
      name,
      type: input.Type ?? existing?.type ?? 'String',
      value: input.Value,
      version: (existing?.version ?? 0) + 1,
      lastModified: this.ctx.clock.now(),
      tier,
    };
    this.parameters.set(name, stored);
    return { Version: stored.version, Tier: tier };
  }

  async deleteParameter(input: DeleteParameterCommandInput): Promise<Record<string, never>> {
    if (!this.parameters.delete(input.Name ?? '')) {
      throw awsError('ssm', 'ParameterNotFound', `Parameter ${input.Name} not found.`);
    }
    return {};
  }

  private toSdk(p: StoredParameter): Parameter {
    return {
      Name: p.name,
      Type: p.type,
      Value: p.value,
      Version: p.version,
      LastModifiedDate: p.lastModified,
      ARN: `arn:aws:ssm:${this.ctx.region}:${this.ctx.accountId}:parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`,
      DataType: 'text',
    };
  }
}

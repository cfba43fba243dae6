import { classifyPaymentCode } from '../../common/recognition/classify-payment-code.ts';
import type { CliCommand } from '../cli-command.ts';

/** `scanpay classify <code>`: one JSON line, exit 0 when it is a payment code this terminal takes. */
export const command: CliCommand = {
  async run(args) {
    const result = classifyPaymentCode(args.join(' '));
    console.log(JSON.stringify(result));
    return result.ok ? 0 : 1;
  },
};

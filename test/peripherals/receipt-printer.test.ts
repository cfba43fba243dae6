/**
 * The receipt printer end to end at the byte level: a sale receipt made by the layout and the
 * encoder, sent through the real TCP and serial links to a virtual printer (a TCP server, a socat
 * pty), decoded back by an independent ESC/POS reader.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ZReportView } from '../../core/common/contract/views.ts';
import { EscPosPrinter } from '../../core/peripherals/escpos/escpos-printer.ts';
import { encodeEscPos } from '../../core/peripherals/escpos/receipt-encoder.ts';
import { SerialLink } from '../../core/peripherals/printer/serial/serial-link.ts';
import { TcpLink } from '../../core/peripherals/printer/tcp/tcp-link.ts';
import { refundReceipt, saleReceipt, shiftReport } from '../../core/service/peripherals/receipt-layout.ts';
import { makeTempDir, openPtyPair, waitFor } from '../scanners/fakes/pty-pair.ts';
import { decodeEscPos, printedText } from './escpos-decoder.ts';
import { paidOrder } from './fixtures.ts';
import { openPtyReader } from './pty-reader.ts';
import { STATUS, startVirtualPrinter, type VirtualPrinter } from './virtual-printer.ts';

const header = { shopName: '老王便利店', terminalId: 'T01' };

/** Display columns of a printed line (a Chinese character takes two). */
const columns = (line: string) =>
  [...line].reduce((w, c) => w + (c.charCodeAt(0) > 0x7f && c !== '─' ? 2 : 1), 0);

describe('sale receipt', () => {
  it.each([58, 80] as const)(
    'on %i mm paper says everything a sale receipt must, in GB18030, then cuts once',
    (width) => {
      const job = decodeEscPos(encodeEscPos(saleReceipt(header, paidOrder()), { width, qr: 'native' }));
      const text = printedText(job);
      expect(job.lines[0]).toBe('老王便利店');
      expect(text).toContain('终端 T01');
      expect(text).toContain('收银员 张三');
      expect(text).toContain('时间 2026-11-30 23:09:44'); // Beijing time, UTC+8
      expect(text).toMatch(/合计 +￥12\.88/);
      expect(text).toMatch(/支付方式 +微信支付/);
      // The transaction number is one whole line under its label, never one character per line.
      expect(job.lines).toContain('4200001234202611301234567890');
      expect(job.lines).toContain('T01-20261130-000123');
      expect(job.qrCodes).toEqual(['T01-20261130-000123']);
      expect(job.lines.at(-1)).toBe('谢谢惠顾');
      expect(job.cuts).toBe(1);
      expect(job.drawerPulses).toEqual([]);
      for (const line of job.lines) expect(columns(line)).toBeLessThanOrEqual(width === 58 ? 32 : 48);
    },
  );

  it('prints ¥ as the GBK full-width sign A3A4, never the four-byte GB18030 sequence GBK printers garble', () => {
    const bytes = Buffer.from(
      encodeEscPos(saleReceipt(header, paidOrder({ subject: '¥ 测试' })), { width: 58, qr: 'native' }),
    );
    expect(bytes.includes(Buffer.from([0xa3, 0xa4]))).toBe(true);
    expect(bytes.includes(Buffer.from([0x81, 0x30, 0x84, 0x36]))).toBe(false);
  });

  it('keeps markup characters in a subject as text', () => {
    const job = decodeEscPos(
      encodeEscPos(saleReceipt(header, paidOrder({ subject: 'A|B {x} =' })), { width: 80, qr: 'native' }),
    );
    expect(printedText(job)).toContain('A|B {x} =');
  });

  it('can send the QR as a raster image for printers without a QR engine', () => {
    const job = decodeEscPos(encodeEscPos(saleReceipt(header, paidOrder()), { width: 58, qr: 'raster' }));
    expect(job.qrCodes).toEqual([]);
    expect(job.rasterImages).toBe(1);
  });

  it.each(['SHOP|0042', 'A*1@b', 'pos_7-x'])(
    'prints the receipt of an order numbered %s (any character an order number may hold) with that number in its QR',
    (outTradeNo) => {
      const order = { ...paidOrder(), out_trade_no: outTradeNo };
      const job = decodeEscPos(encodeEscPos(saleReceipt(header, order), { width: 80, qr: 'native' }));
      expect(job.qrCodes).toEqual([outTradeNo]);
      expect(job.lines).toContain(outTradeNo);
    },
  );

  it('marks a reprint', () => {
    const job = decodeEscPos(
      encodeEscPos(saleReceipt(header, paidOrder(), { reprint: true }), { width: 58, qr: 'native' }),
    );
    expect(printedText(job)).toContain('销售小票（重印）');
  });
});

describe('refund slip and 交班报表', () => {
  it('a refund slip names the amount, the refund number and the wallet', () => {
    const order = paidOrder({ refunded_fee: 500 });
    const refund = {
      out_refund_no: 'R-T01-0001',
      refund_fee: 500,
      status: 'succeeded' as const,
      reason: '少送一杯',
      created_at: 0,
      updated_at: Date.UTC(2026, 10, 30, 16, 0, 0),
      failure: null,
    };
    const text = printedText(
      decodeEscPos(encodeEscPos(refundReceipt(header, order, refund), { width: 58, qr: 'native' })),
    );
    expect(text).toContain('退款凭证');
    expect(text).toMatch(/退款金额 +￥5\.00/);
    expect(text).toContain('R-T01-0001');
    expect(text).toMatch(/退回 +微信支付/);
    expect(text).toContain('少送一杯');
  });

  it('the Z report lists each tender, the difference and the drawer openings', () => {
    const report: ZReportView = {
      shift_id: 'SABC',
      cashier: '李四',
      opened_at: Date.UTC(2026, 10, 30, 1, 0, 0),
      closed_at: Date.UTC(2026, 10, 30, 10, 0, 0),
      float_fee: 20000,
      totals: [
        { tender: 'cash', sales_count: 2, sales_fee: 3000, refunds_fee: 0, net_fee: 3000 },
        { tender: 'wxpay', sales_count: 1, sales_fee: 1288, refunds_fee: 0, net_fee: 1288 },
        { tender: 'alipay', sales_count: 0, sales_fee: 0, refunds_fee: 0, net_fee: 0 },
      ],
      expected_cash_fee: 23000,
      counted: { cash: 22900 },
      lines: [
        {
          tender: 'cash',
          counted_by: 'cashier',
          expected_fee: 23000,
          counted_fee: 22900,
          difference_fee: -100,
        },
        { tender: 'wxpay', counted_by: 'journal', expected_fee: 1288, counted_fee: 1288, difference_fee: 0 },
        { tender: 'alipay', counted_by: 'journal', expected_fee: 0, counted_fee: 0, difference_fee: 0 },
      ],
    };
    const text = printedText(
      decodeEscPos(encodeEscPos(shiftReport(header, report, 3), { width: 58, qr: 'native' })),
    );
    expect(text).toContain('交班报表');
    expect(text).toMatch(/开钱箱次数 +3/);
    // Times stay whole on 58 mm paper, and the signature line prints.
    expect(text).toContain('开班 2026-11-30 09:00:00');
    expect(text).toContain('交班 2026-11-30 18:00:00');
    expect(text).toMatch(/收银员签字 +________/);
    expect(text).toMatch(/备用金 +￥200\.00/);
    expect(text).toMatch(/差额 +-￥1\.00/);
    // Blind count: the e-wallet line is the journal's total, never a count or a difference.
    expect(text).toMatch(/账面 +￥12\.88/);
    expect(text.match(/实点/g)).toHaveLength(1);
    expect(text).toContain('现金');
    expect(text).toContain('支付宝');
  });
});

describe('EscPosPrinter over TCP (port 9100 convention)', () => {
  let printer: VirtualPrinter | null = null;
  afterEach(async () => {
    await printer?.close();
    printer = null;
  });

  it('delivers the job byte for byte and kicks the drawer with ESC p', async () => {
    printer = await startVirtualPrinter();
    const device = new EscPosPrinter(new TcpLink('127.0.0.1', printer.port));
    const job = encodeEscPos(saleReceipt(header, paidOrder()), { width: 58, qr: 'native' });
    await device.print(job);
    await device.open();
    const received = decodeEscPos(printer.printed());
    expect(Buffer.from(printer.connections[0]!)).toEqual(Buffer.from(job));
    expect(received.lines).toContain('4200001234202611301234567890');
    expect(received.cuts).toBe(1);
    expect(received.drawerPulses).toEqual([{ pin: 2, onMs: 50, offMs: 500 }]);
  });

  it.each([
    ['online', STATUS.online, 'online', false],
    ['paper out', STATUS.paperOut, 'paper_out', false],
    ['cover open', STATUS.coverOpen, 'cover_open', false],
    ['paper low', STATUS.paperLow, 'online', true],
  ] as const)('reads DLE EOT: %s', async (_name, reply, state, paperLow) => {
    printer = await startVirtualPrinter();
    printer.status = reply;
    const status = await new EscPosPrinter(new TcpLink('127.0.0.1', printer.port)).status();
    expect(status).toMatchObject({ state, paper_low: paperLow });
  });

  it('a printer that does not answer DLE EOT is unknown, one that is not there is unreachable', async () => {
    printer = await startVirtualPrinter();
    printer.status = 'silent';
    const link = new TcpLink('127.0.0.1', printer.port);
    expect((await new EscPosPrinter(link, { statusTimeoutMs: 100 }).status()).state).toBe('unknown');
    const port = printer.port;
    await printer.close();
    printer = null;
    const gone = new EscPosPrinter(new TcpLink('127.0.0.1', port));
    expect((await gone.status()).state).toBe('unreachable');
    await expect(gone.print(Uint8Array.of(0x1b, 0x40))).rejects.toMatchObject({
      code: 'printer_unreachable',
    });
  });
});

describe('EscPosPrinter over serial (socat pty)', () => {
  it('delivers the job and the drawer pulse through the serial port', async () => {
    const temp = makeTempDir();
    const pty = await openPtyPair(temp.dir, 'printer');
    try {
      const reader = await openPtyReader(pty.host);
      const device = new EscPosPrinter(new SerialLink(pty.device, 9600));
      const job = encodeEscPos(saleReceipt(header, paidOrder({ tender: 'cash', transaction_id: null })), {
        width: 58,
        qr: 'native',
      });
      await device.print(job);
      await device.open();
      await waitFor(() => reader.received().length >= job.length + 5, 'the job and the pulse').catch((e) => {
        throw new Error(`${e.message}: got ${reader.received().length} of ${job.length + 5}`);
      });
      await reader.close();
      const decoded = decodeEscPos(reader.received());
      expect(printedText(decoded)).toMatch(/支付方式 +现金/);
      expect(decoded.lines).not.toContain('交易单号');
      expect(decoded.cuts).toBe(1);
      expect(decoded.drawerPulses).toHaveLength(1);
    } finally {
      await pty.kill();
      temp.remove();
    }
  });
});

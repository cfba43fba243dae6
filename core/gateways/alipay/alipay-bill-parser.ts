/**
 * Reads an Alipay trade bill (bill_type=trade, docs/protocols.md §4 "Bills"): a zip holding GBK CSV
 * files, `<pid>0156_<yyyyMMdd>_业务明细.csv` (one row per payment or refund, between `#`-comment
 * lines naming the account, the period and the end of the list) and `…_业务明细(汇总).csv` (totals
 * per store). Only the detail file is read, as a stream: zip (fflate) → GBK (iconv-lite) → CSV
 * (csv-parse). Entry names are GBK without the zip UTF-8 flag, so a name is tried both as given and
 * re-read as GBK. Columns are found by header name; cells carry trailing tabs (Alipay pads numbers
 * so spreadsheets keep them as text), which are trimmed.
 */
import { pipeline, type Readable, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { Unzip, UnzipInflate } from 'fflate';
import iconv from 'iconv-lite';
import type { BillRow } from '../../ports/bill-source.ts';
import { BillError, billYuanToFen } from '../shared/bill-lines.ts';

export const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EOCD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
/** The end record (22 bytes) plus the longest zip comment. */
const TAIL_BYTES = 22 + 65_535;

function entryNames(name: string): string[] {
  return [name, iconv.decode(Buffer.from(name, 'latin1'), 'gbk')];
}

function isDetailEntry(name: string): boolean {
  return entryNames(name).some((n) => n.includes('业务明细') && !n.includes('汇总'));
}

/** Zip bytes in → the detail CSV's bytes out; a zip without a complete detail file is a BillError. */
function detailEntryBytes(): Transform {
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  let found = false;
  let complete = false;
  // The end-of-central-directory record closes every whole zip; a download cut anywhere lacks it.
  let tail = Buffer.alloc(0);
  const out: Transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        tail = Buffer.concat([tail, chunk]);
        if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
        unzip.push(chunk);
        done();
      } catch (error) {
        done(new BillError('bill_unreadable', `Alipay bill zip: ${(error as Error).message}`));
      }
    },
    flush(done) {
      try {
        unzip.push(new Uint8Array(0), true);
      } catch (error) {
        done(new BillError('bill_unreadable', `Alipay bill zip: ${(error as Error).message}`));
        return;
      }
      if (tail.lastIndexOf(EOCD) < 0)
        done(new BillError('bill_unreadable', 'Alipay bill zip is cut short (no end record)'));
      else if (!found) done(new BillError('bill_unreadable', 'Alipay bill zip holds no 业务明细 file'));
      else if (!complete)
        done(new BillError('bill_unreadable', 'Alipay bill zip: the 业务明细 file is cut short'));
      else done();
    },
  });
  unzip.onfile = (file) => {
    if (found || !isDetailEntry(file.name)) return;
    found = true;
    file.ondata = (error, data, final) => {
      if (error) {
        out.destroy(new BillError('bill_unreadable', `Alipay bill zip: ${error.message}`));
        return;
      }
      if (data.length > 0) out.push(Buffer.from(data));
      if (final) complete = true;
    };
    file.start();
  };
  return out;
}

const COLUMN = {
  tradeNo: ['支付宝交易号'],
  outTradeNo: ['商户订单号'],
  type: ['业务类型'],
  created: ['创建时间'],
  finished: ['完成时间'],
  amount: ['订单金额（元）', '订单金额(元)'],
  outRequestNo: ['退款批次号/请求号', '退款批次号'],
} as const;

function indexOf(header: readonly string[], names: readonly string[]): number {
  return header.findIndex((h) => names.includes(h));
}

/** Streams the bill rows of an Alipay trade-bill zip. */
export async function* readAlipayBill(zip: Readable): AsyncGenerator<BillRow> {
  const records = pipeline(
    zip,
    detailEntryBytes(),
    iconv.decodeStream('gbk'),
    parse({ comment: '#', comment_no_infix: true, relax_column_count: true, skip_empty_lines: true }),
    () => {}, // an error anywhere destroys the chain and reaches the loop below
  );
  let header: string[] | undefined;
  let at: Record<keyof typeof COLUMN, number> | undefined;
  let line = 0;
  for await (const raw of records as AsyncIterable<string[]>) {
    line++;
    const cells = raw.map((cell) => cell.trim());
    if (!header) {
      header = cells;
      at = {
        tradeNo: indexOf(header, COLUMN.tradeNo),
        outTradeNo: indexOf(header, COLUMN.outTradeNo),
        type: indexOf(header, COLUMN.type),
        created: indexOf(header, COLUMN.created),
        finished: indexOf(header, COLUMN.finished),
        amount: indexOf(header, COLUMN.amount),
        outRequestNo: indexOf(header, COLUMN.outRequestNo),
      };
      if (at.outTradeNo < 0 || at.type < 0 || at.amount < 0)
        throw new BillError(
          'bill_unreadable',
          'Alipay bill: the 业务明细 header lacks 商户订单号, 业务类型 or 订单金额',
        );
      continue;
    }
    const col = at!;
    const where = `Alipay bill record ${line}`;
    const outTradeNo = cells[col.outTradeNo] ?? '';
    if (!outTradeNo) throw new BillError('bill_unreadable', `${where}: no 商户订单号`);
    const type = cells[col.type] ?? '';
    const amountFen = Math.abs(billYuanToFen(cells[col.amount] ?? '', where));
    const base = {
      outTradeNo,
      transactionId: cells[col.tradeNo] ?? '',
      amountFen,
      statusText: type,
      at: cells[col.finished] || cells[col.created] || '',
    };
    if (type === '退款') {
      yield { ...base, kind: 'refund', outRefundNo: cells[col.outRequestNo] ?? '', status: 'success' };
    } else {
      yield { ...base, kind: 'payment', status: type === '交易' ? 'success' : 'other' };
    }
  }
  if (!header) throw new BillError('bill_unreadable', 'Alipay bill: the 业务明细 file has no header');
}

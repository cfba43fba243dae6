/**
 * What the WeChat side of the sandbox says about a trade, in WeChat's own words: err_code_des texts from
 * the error tables, trade_state and its trade_state_desc (orderquery, docs/protocols.md §2), and the
 * fields of a paid trade as micropay, orderquery and the paid notification carry them.
 */
import { wechatTime } from './china-time.ts';
import type { Trade } from './ledger.ts';

type Fields = Record<string, string | undefined>;

/** err_code → err_code_des, in WeChat's own words. */
export const ERROR_TEXT: Readonly<Record<string, string>> = {
  USERPAYING: '需要用户输入支付密码',
  SYSTEMERROR: '系统超时，请立即调用被扫订单结果查询API，查询当前订单状态',
  AUTHCODEEXPIRE: '二维码已过期，请用户在微信上刷新后再试',
  AUTH_CODE_INVALID: '请扫描微信支付授权码(以10、11、12、13、14、15开头的18位数字)',
  NOTENOUGH: '用户余额不足，请用户换卡支付',
  TRADE_ERROR: '用户取消支付',
  ORDERPAID: '订单已支付',
  ORDERCLOSED: '订单已关闭',
  ORDERREVERSED: '订单已撤销',
  OUT_TRADE_NO_USED: '商户订单号重复',
  ORDERNOTEXIST: '此交易订单号不存在',
  REFUNDNOTEXIST: '退款订单查询失败',
  REVERSE_EXPIRE: '订单已经超过撤销时间（7天）',
  APPID_MCHID_NOT_MATCH: 'appid和mch_id不匹配',
  PARAM_ERROR: '参数错误',
  ERROR: '业务错误',
};

export function tradeState(trade: Trade): string {
  switch (trade.state) {
    case 'paid':
      return trade.refunded_fen > 0 ? 'REFUND' : 'SUCCESS';
    case 'awaiting_password':
      return 'USERPAYING';
    case 'awaiting_payer':
      return 'NOTPAY';
    case 'payment_failed':
      return 'PAYERROR';
    case 'closed':
      return 'CLOSED';
    case 'reversed':
      return 'REVOKED';
  }
}

export const STATE_TEXT: Readonly<Record<string, string>> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '未支付',
  CLOSED: '已关闭',
  REVOKED: '已撤销（刷卡支付）',
  USERPAYING: '用户支付中（刷卡支付）',
  PAYERROR: '支付失败，请撤销订单',
};

export function paidFields(trade: Trade): Fields {
  return {
    openid: trade.buyer_id,
    is_subscribe: 'N',
    trade_type: trade.mode === 'qr' ? 'NATIVE' : 'MICROPAY',
    bank_type: 'OTHERS',
    fee_type: 'CNY',
    total_fee: String(trade.total_fee),
    cash_fee_type: 'CNY',
    cash_fee: String(trade.total_fee),
    transaction_id: trade.transaction_id,
    out_trade_no: trade.out_trade_no,
    attach: trade.echo.attach,
    time_end: trade.paid_at_ms === undefined ? undefined : wechatTime(trade.paid_at_ms),
  };
}

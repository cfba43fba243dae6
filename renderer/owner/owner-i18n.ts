/** The owner's page's words, zh-CN (default) and en; the till's catalogs stay the till's. */
export type OwnerLanguage = 'zh-CN' | 'en';

export const OWNER_ZH = {
  'owner.title': '总店',
  'owner.lang': 'English',
  'owner.token': '管理令牌',
  'owner.sign_in': '进入',
  'owner.sign_out': '退出',
  'owner.token_refused': '管理令牌不对，请重新输入',
  'owner.unreachable': '连不上总店服务器，稍后自动刷新',
  'owner.today': '今日销售',
  'owner.paid_orders': '{count} 笔',
  'owner.net': '净收款',
  'owner.refunded': '已退款',
  'owner.store': '全店',
  'owner.terminals': '收银台',
  'owner.terminal': '收银台',
  'owner.version': '版本',
  'owner.last_seen': '最后联系',
  'owner.health': '状态',
  'owner.queue': '待上传',
  'owner.online': '在线',
  'owner.offline': '离线',
  'owner.revoked': '已吊销',
  'owner.not_ready': '不能收款',
  'owner.attention': '待处理',
  'owner.attention.none': '没有待处理的交易',
  'owner.order': '订单',
} as const;

export type OwnerKey = keyof typeof OWNER_ZH;

export const OWNER_EN: Readonly<Record<OwnerKey, string>> = {
  'owner.title': 'Store hub',
  'owner.lang': '中文',
  'owner.token': 'Admin token',
  'owner.sign_in': 'Open',
  'owner.sign_out': 'Sign out',
  'owner.token_refused': 'That admin token is not right: enter it again',
  'owner.unreachable': 'Cannot reach the hub: refreshing again shortly',
  'owner.today': "Today's sales",
  'owner.paid_orders': '{count} sales',
  'owner.net': 'Net',
  'owner.refunded': 'Refunded',
  'owner.store': 'Whole store',
  'owner.terminals': 'Tills',
  'owner.terminal': 'Till',
  'owner.version': 'Version',
  'owner.last_seen': 'Last seen',
  'owner.health': 'Health',
  'owner.queue': 'Waiting',
  'owner.online': 'online',
  'owner.offline': 'offline',
  'owner.revoked': 'revoked',
  'owner.not_ready': 'cannot take payments',
  'owner.attention': 'Needs attention',
  'owner.attention.none': 'Nothing needs attention',
  'owner.order': 'Order',
};

export function ownerText(
  lang: OwnerLanguage,
  key: OwnerKey,
  params?: Record<string, string | number>,
): string {
  const text = lang === 'en' ? OWNER_EN[key] : OWNER_ZH[key];
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
}

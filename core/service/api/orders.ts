/** The order history: a page of orders, one order in detail, and every matching order as CSV. */
import type { ScanPayApi } from '../../common/contract/api-contract.ts';
import type { ExportOrdersRequest } from '../../common/contract/api-schemas.ts';
import type { OrderFilter } from '../../ports/journal.ts';
import { collectOrders, exportFilename, ordersToCsv } from '../orders-csv.ts';
import type { ServiceParts } from './service-parts.ts';

type OrderOperations = Pick<ScanPayApi, 'listOrders' | 'exportOrders' | 'getOrder'>;

export function orderOperations({ engine, config, clock }: ServiceParts): OrderOperations {
  return {
    async listOrders(request) {
      const page = request.page ?? 1;
      const pageSize = request.page_size ?? 50;
      const { orders, total } = engine.listOrders({
        ...orderFilters(request),
        offset: (page - 1) * pageSize,
        limit: pageSize,
      });
      return { orders, total, page, page_size: pageSize };
    },
    async exportOrders(request) {
      const orders = collectOrders((offset, limit) =>
        engine.listOrders({ ...orderFilters(request), offset, limit }),
      );
      return {
        filename: exportFilename(config.terminal_id, clock.now()),
        csv: ordersToCsv(orders, request.language),
        count: orders.length,
      };
    },
    getOrder: async (request) => engine.orderDetail(request.out_trade_no),
  };
}

/** The listOrders/exportOrders filters as the journal takes them (absent stays absent). */
function orderFilters(request: ExportOrdersRequest): Omit<OrderFilter, 'offset' | 'limit'> {
  return {
    ...(request.from !== undefined ? { from: request.from } : {}),
    ...(request.to !== undefined ? { to: request.to } : {}),
    ...(request.status !== undefined ? { status: request.status } : {}),
    ...(request.tender !== undefined ? { tender: request.tender } : {}),
    ...(request.cashier !== undefined ? { cashier: request.cashier } : {}),
    ...(request.search !== undefined ? { search: request.search } : {}),
  };
}

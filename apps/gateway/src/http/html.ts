// The pages' frame is the kit's one (service-kit/http, as the webhook receiver's pages).
export { escapeHtml, htmlPage } from '@connectpay-kit/service-kit/http';

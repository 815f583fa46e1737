/**
 * Reports and schedules for the tests. `readyDaily`, `readyWeekly` and `weeklyBerlin` are real responses of the
 * backend (GET /api/reports/{id}, GET /api/reports, POST /api/reports/schedules; recorded 2026-12-03 on the embedded
 * backend with no SMS set up); the others are made from them in the same shapes.
 */
import type { Generated, Report, Schedule } from "./api";

export const readyDaily: Report = {
  "reportId": "RPT-20261203-001",
  "status": "READY",
  "estimatedTime": 1,
  "downloadUrl": "/api/reports/RPT-20261203-001/download?expires=1796946702&sig=ae32c238b66897a60302f8ac078560b3",
  "notificationSent": true,
  "reportType": "DAILY",
  "format": "PDF",
  "symbols": [
    "BTC-USD"
  ],
  "includeFundamental": true,
  "includeTechnical": true,
  "includeSentiment": true,
  "includeOnChain": true,
  "portfolioId": null,
  "backtestId": null,
  "deliveryChannels": [
    "IN_APP"
  ],
  "progress": 1.0,
  "error": null,
  "fileName": "cryptomon-daily-RPT-20261203-001.pdf",
  "contentType": "application/pdf",
  "sizeBytes": 220287,
  "downloadExpiresAt": "2026-12-10T23:51:42Z",
  "expiresAt": "2027-01-02T23:51:42.414Z",
  "deliveries": [
    {
      "channel": "IN_APP",
      "status": "DELIVERED",
      "attempts": 1,
      "latencyMs": 21.545,
      "lastError": null,
      "detail": "event 1"
    }
  ],
  "sections": [
    {
      "key": "summary",
      "title": "Summary"
    },
    {
      "key": "market",
      "title": "Market"
    },
    {
      "key": "technical",
      "title": "Technical analysis"
    },
    {
      "key": "fundamental",
      "title": "Fundamental analysis"
    },
    {
      "key": "onchain",
      "title": "On-chain activity"
    },
    {
      "key": "sentiment",
      "title": "Sentiment"
    }
  ],
  "scheduleId": null,
  "createdAt": "2026-12-03T23:51:41.781Z",
  "generatedAt": "2026-12-03T23:51:42.414Z"
};

export const readyWeekly: Report = {
  "reportId": "RPT-20261203-002",
  "status": "READY",
  "estimatedTime": 10,
  "downloadUrl": "/api/reports/RPT-20261203-002/download?expires=1796946728&sig=2da188e21be1b4fd68190474f8a9adc2",
  "notificationSent": true,
  "reportType": "WEEKLY",
  "format": "XLSX",
  "symbols": [
    "ETH-USD"
  ],
  "includeFundamental": true,
  "includeTechnical": true,
  "includeSentiment": true,
  "includeOnChain": true,
  "portfolioId": null,
  "backtestId": null,
  "deliveryChannels": [
    "IN_APP",
    "EMAIL",
    "SMS"
  ],
  "progress": 1.0,
  "error": null,
  "fileName": "cryptomon-weekly-RPT-20261203-002.xlsx",
  "contentType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "sizeBytes": 13239,
  "downloadExpiresAt": "2026-12-10T23:52:08Z",
  "expiresAt": "2027-01-02T23:52:04.083Z",
  "deliveries": [
    {
      "channel": "IN_APP",
      "status": "DELIVERED",
      "attempts": 1,
      "latencyMs": 28.062,
      "lastError": null,
      "detail": "event 2"
    },
    {
      "channel": "EMAIL",
      "status": "DELIVERED",
      "attempts": 1,
      "latencyMs": 30.866,
      "lastError": null,
      "detail": "local mailbox — no SMTP server configured"
    },
    {
      "channel": "SMS",
      "status": "FAILED",
      "attempts": 1,
      "latencyMs": null,
      "lastError": "SMS needs your phone number: set preferences.channels.phone (Settings → Notification channels → Phone (SMS)); and the server's Twilio account: whoever runs the server sets CRYPTOMON_TWILIO_ACCOUNT_SID, CRYPTOMON_TWILIO_AUTH_TOKEN and CRYPTOMON_TWILIO_FROM_NUMBER",
      "detail": "SMS needs your phone number: set preferences.channels.phone (Settings → Notification channels → Phone (SMS)); and the server's Twilio account: whoever runs the server sets CRYPTOMON_TWILIO_ACCOUNT_SID, CRYPTOMON_TWILIO_AUTH_TOKEN and CRYPTOMON_TWILIO_FROM_NUMBER"
    }
  ],
  "sections": [
    {
      "key": "summary",
      "title": "Summary"
    },
    {
      "key": "market",
      "title": "Market"
    },
    {
      "key": "technical",
      "title": "Technical analysis"
    },
    {
      "key": "fundamental",
      "title": "Fundamental analysis"
    },
    {
      "key": "onchain",
      "title": "On-chain activity"
    },
    {
      "key": "sentiment",
      "title": "Sentiment"
    }
  ],
  "scheduleId": null,
  "createdAt": "2026-12-03T23:52:04.000Z",
  "generatedAt": "2026-12-03T23:52:04.083Z"
};

export const weeklyBerlin: Schedule = {
  "scheduleId": 1,
  "name": "Weekly daily PDF (BTC-USD)",
  "reportType": "DAILY",
  "symbols": [
    "BTC-USD"
  ],
  "format": "PDF",
  "deliveryChannels": [
    "IN_APP"
  ],
  "includeFundamental": true,
  "includeTechnical": true,
  "includeSentiment": true,
  "includeOnChain": true,
  "portfolioId": null,
  "backtestId": null,
  "cadence": "WEEKLY",
  "weekday": 0,
  "dayOfMonth": null,
  "hour": 8,
  "timezone": "Europe/Berlin",
  "paused": false,
  "nextRunAt": "2026-12-07T07:00:00Z",
  "lastRunAt": null,
  "lastReportId": null,
  "createdAt": "2026-12-03T23:52:08.198Z"
};

export const generated: Generated = { reportId: "RPT-20261203-003", status: "GENERATING", estimatedTime: 15, downloadUrl: null, notificationSent: false };

/** readyDaily while it is being made. */
export const generatingDaily: Report = {
  ...readyDaily,
  reportId: "RPT-20261203-003",
  status: "GENERATING",
  estimatedTime: 15,
  downloadUrl: null,
  notificationSent: false,
  progress: 0.4,
  fileName: null,
  contentType: null,
  sizeBytes: null,
  downloadExpiresAt: null,
  expiresAt: null,
  deliveries: [],
  sections: [],
  generatedAt: null,
};

export const doneDaily: Report = {
  ...readyDaily,
  reportId: "RPT-20261203-003",
  downloadUrl: "/api/reports/RPT-20261203-003/download?expires=1796946702&sig=0123456789abcdef0123456789abcdef",
  fileName: "cryptomon-daily-RPT-20261203-003.pdf",
};

export const failedPortfolio: Report = {
  ...generatingDaily,
  reportId: "RPT-20261202-004",
  reportType: "PORTFOLIO",
  symbols: [],
  portfolioId: 7,
  status: "FAILED",
  progress: 0.5,
  error: "Portfolio 7 holds nothing to report on",
  createdAt: "2026-12-02T09:00:00.000Z",
};

export const expiredBacktest: Report = {
  ...readyDaily,
  reportId: "RPT-20261101-001",
  reportType: "BACKTEST",
  format: "HTML",
  symbols: [],
  backtestId: "BT-20261101-002",
  status: "EXPIRED",
  downloadUrl: null,
  fileName: null,
  deliveries: [],
  deliveryChannels: [],
  createdAt: "2026-11-01T10:00:00.000Z",
  generatedAt: "2026-11-01T10:00:03.000Z",
};

export const list = (...reports: Report[]) => ({ body: { reports, count: reports.length } });

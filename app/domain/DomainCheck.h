#pragma once

#include "check/CheckRunner.h"
#include "dns/Resolver.h"
#include "DomainReport.h"

#include <deque>
#include <memory>
#include <optional>
#include <QElapsedTimer>
#include <QObject>

class PolicyFetcher;

/// What a domain check is asked to do.
struct DomainCheckOptions
{
    /// Runs against MX addresses at the same time (per domain).
    int maxConcurrentRuns = 8;
    /// Per-step timeout of each SMTP run.
    int stepTimeoutMs = 15000;
    /// Each SMTP run's deadline.
    int runDeadlineMs = 60000;
    /// Port of the MX runs. 25 (RFC 5321); the tests point it at a private Postfix's high port
    /// (mailscope-cli's hidden --smtp-port), since port 25 on loopback is not the fixture's.
    quint16 smtpPort = 25;
    /// Port of the MTA-STS policy host (443; tests: a loopback HTTPS server's port).
    quint16 httpsPort = 443;
    /// Trusted beside the system's CAs, for the MX certificates and the policy host (--ca-file).
    QList<QSslCertificate> extraCaCertificates;
    /// The EHLO name.
    QString heloName = QStringLiteral("mailscope.invalid");
    int policyTimeoutMs = 15000;
};

/**
 * Checks a mail domain (issue 12): the MX walk (RFC 5321 s.5.1, null MX RFC 7505), DNSSEC
 * status of every answer, DANE (RFC 7672) per MX, MTA-STS (RFC 8461), TLS-RPT (RFC 8460), and
 * an SMTP STARTTLS run (CheckRunner) against every MX address, a bounded number at a time, so
 * the whole takes about as long as the slowest MX rather than the sum.
 *
 * Everything runs on the event loop; DNS goes through the given Resolver, the policy fetch too.
 */
class DomainCheck final : public QObject
{
    Q_OBJECT

public:
    DomainCheck(QString domain, Resolver* resolver, DomainCheckOptions options, QObject* parent = nullptr);
    ~DomainCheck() override;
    Q_DISABLE_COPY_MOVE(DomainCheck)

    void start();
    const DomainReport& report() const { return m_report; }
    bool isFinished() const { return m_finished; }
    /// A domain name Mailscope accepts (letters, digits, hyphens, dots; no address).
    static bool isValidDomain(const QString& domain);

Q_SIGNALS:
    /// An MX run started or ended: `done` of `total` runs known so far.
    void runProgress(int done, int total);
    void finished();

private:
    struct QueuedRun
    {
        int mx;
        QHostAddress address;
    };
    void onMx(const DnsAnswer& answer);
    void addMxHost(quint16 preference, const QString& host);
    void onMxAddresses(int mx, const DnsAnswer& answer);
    void onTlsa(int mx, const DnsAnswer& answer, bool atTarget);
    void lookupTlsa(int mx, const QString& host, bool atTarget);
    void chooseTlsa(int mx);
    void mxLookupDone(int mx);
    void onStsTxt(const DnsAnswer& answer);
    void onStsFetched();
    void onTlsRpt(const DnsAnswer& answer);
    void startRuns();
    void onRunFinished(CheckRunner* runner, int mx, const QString& address);
    void release();
    void finish();
    void evaluateMx(MxResult& mx) const;
    void evaluateDomain();
    /// A DNS answer that ended the walk or a lookup: its finding (or none).
    bool dnsProblem(const DnsAnswer& answer, QList<Finding>& findings, const QString& what) const;

    DomainCheckOptions m_options;
    Resolver* m_resolver;
    DomainReport m_report;
    QElapsedTimer m_clock;
    QList<int> m_mxLookupsLeft;
    /// The TLSA answers per MX: at the host name, and at its CNAME-expanded name when secure.
    struct TlsaAnswers
    {
        std::optional<DnsAnswer> original;
        std::optional<DnsAnswer> target;
    };
    QList<TlsaAnswers> m_tlsaAnswers;
    std::deque<QueuedRun> m_queue;
    int m_running = 0;
    int m_runsDone = 0;
    int m_runsTotal = 0;
    int m_outstanding = 0;
    std::unique_ptr<PolicyFetcher> m_fetcher;
    QList<CheckRunner*> m_runners;
    bool m_tlsRptMissing = false;
    bool m_finished = false;
};

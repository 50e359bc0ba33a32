#pragma once

#include "Resolver.h"

#include <map>
#include <memory>
#include <QSocketNotifier>
#include <QTemporaryDir>

struct ub_ctx;
struct ub_result;

/// How the validating resolver is set up (mailscope-cli --dns-server, --trust-anchor; GUI settings).
struct ResolverSettings
{
    /// Forward every query to this server ("ADDR" or "ADDR@PORT"); empty: the system's resolvers
    /// (/etc/resolv.conf) as forwarders.
    QString server;
    /// DS or DNSKEY records in zone-file format (unbound's trust-anchor-file). Empty: the root
    /// trust anchor of Debian's dns-root-data. A given file *replaces* the root anchor, so a
    /// private zone served by --dns-server validates without asking the root.
    QString trustAnchorFile;
    /// Per-lookup limit; libunbound itself gives up later.
    int timeoutMs = 10000;

    static constexpr const char* RootTrustAnchor = "/usr/share/dns/root.key";
};

/**
 * The real resolver: libunbound validating every answer (DNSSEC), driven from the event loop.
 * ub_resolve_async() queues a query; libunbound's own worker answers through a pipe, ub_fd(),
 * which a QSocketNotifier watches; ub_process() then runs the callbacks on this thread. The
 * engine never blocks on DNS and needs no thread of its own.
 *
 * RFC 6761 names (`test.`, `invalid.`, ...) are answered NXDOMAIN by libunbound by default; a
 * private zone under `.test` is the project's test setup, so a config file lifts that for
 * `test.` (ub_ctx_set_option does not: QT-NOTES.md).
 */
class UnboundResolver final : public Resolver
{
    Q_OBJECT

public:
    explicit UnboundResolver(const ResolverSettings& settings, QObject* parent = nullptr);
    ~UnboundResolver() override;
    Q_DISABLE_COPY_MOVE(UnboundResolver)

    void lookup(const QString& name, DnsType type, QObject* context, Callback done) override;
    QString setupError() const override { return m_setupError; }

    /// "ADDR" or "ADDR@PORT" with a literal IPv4/IPv6 address and a port 1..65535.
    static bool isValidServer(const QString& server, QString* error);
    /// Decodes one answer (public for unit tests of the wire parsing).
    static DnsAnswer decode(const QString& name, DnsType type, const ub_result* result);

private:
    /// libunbound's callback argument: which resolver, which of its queries.
    struct Cookie
    {
        UnboundResolver* resolver;
        int seq;
    };
    struct Pending
    {
        QString name;
        DnsType type;
        QPointer<QObject> context;
        Callback done;
        int ubId = 0;
        std::unique_ptr<Cookie> cookie;
    };
    static void onResult(void* self, int err, ub_result* result);
    void onReadable();
    void finish(int id, const DnsAnswer& answer);
    bool setUp(const ResolverSettings& settings);

    ub_ctx* m_ctx = nullptr;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QTemporaryDir m_configDir;
    QString m_setupError;
    std::map<int, Pending> m_pending;
    int m_nextSeq = 1;
    int m_timeoutMs = 10000;
};

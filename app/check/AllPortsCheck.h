#pragma once

#include "CheckRunner.h"
#include "run/Run.h"
#include "session/ProbeOptions.h"

#include <memory>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <vector>

/// One mail service on its well-known port (RFC 5321, 6409, 8314; IANA service names).
struct MailService
{
    quint16 port = 25; ///< the well-known port, which names the service
    Protocol protocol = Protocol::Smtp;
    TlsMode tls = TlsMode::StartTls;
};

/// How a port's connection was secured, as far as the run got.
enum class PortSecurity
{
    Unreachable, ///< no TCP connection (refused, timed out, name not found)
    Plaintext, ///< the conversation stayed in plaintext (no STARTTLS, or it was refused)
    StartTls, ///< upgraded with STARTTLS/STLS
    ImplicitTls, ///< TLS from the first byte (465, 993, 995)
    TlsFailed, ///< TLS was attempted and the handshake failed
};

/// What the certificate of a port's TLS handshake came to.
enum class CertificateVerdict
{
    None, ///< no certificate seen
    Trusted,
    TrustedByProfile, ///< accepted by its fingerprint in the profile
    Expired,
    HostnameMismatch,
    SelfSigned,
    Untrusted,
};

/// One row of the all-ports table, derived from that port's Run.
struct PortRow
{
    MailService service;
    quint16 connectedPort = 0; ///< the port actually probed (differs when mapped, e.g. in tests)
    bool reachable = false;
    PortSecurity security = PortSecurity::Unreachable;
    QString tlsVersion; ///< "TLSv1.3"; empty without TLS
    CertificateVerdict certificate = CertificateVerdict::None;
    /// The server offered a login (AUTH, AUTH=, USER/SASL) before TLS (Dialect::offersAuth).
    bool authBeforeTls = false;
    Verdict verdict = Verdict::Unknown;

    static PortRow fromRun(const MailService& service, const Run& run);
};

QString toKey(PortSecurity security);
QString toKey(CertificateVerdict verdict);
QString displayName(PortSecurity security);
QString displayName(CertificateVerdict verdict);

/**
 * The all-ports view's engine: for one host, a check of each of the eight mail services on its
 * well-known port (SMTP 25, submissions 465, submission 587, the common alternative 2525, IMAP 143,
 * IMAPS 993, POP3 110, POP3S 995), all started at once through CheckRunner, so the whole takes
 * about as long as the slowest port rather than the sum. Each finished run becomes a row
 * (PortRow); the runs stay available (a row opens its run).
 *
 * A port map moves a service to another port (the demo server and the tests listen on high
 * ports); the row still names the well-known port.
 *
 * The overall verdict (worstVerdict()) leaves closed ports out: a host that does not serve POP3
 * has nothing wrong with it. Of the reachable ports the worst verdict counts, in verdictRank()'s
 * order (CRITICAL, UNKNOWN, WARNING, OK); no port reachable at all is CRITICAL (no mail service
 * answers).
 */
class AllPortsCheck final : public QObject
{
    Q_OBJECT

public:
    /// `base` gives everything but the port, protocol and TLS mode (host, CA files, timeouts, ...).
    /// `portMap` maps a well-known port to the port to probe instead.
    explicit AllPortsCheck(const ProbeOptions& base, const QMap<quint16, quint16>& portMap = {},
                           int deadlineMs = CheckOptions::DefaultDeadlineMs, QObject* parent = nullptr);
    ~AllPortsCheck() override;
    Q_DISABLE_COPY_MOVE(AllPortsCheck)

    /// The eight services, in the order of the table.
    static QList<MailService> standardServices();

    void start();
    /// Stops every port's check (each run ends as cancelled).
    void cancel();

    int count() const { return int(m_services.size()); }
    const MailService& service(int i) const { return m_services.at(i); }
    /// The run of row `i` (growing while it runs, final once rowFinished(i)).
    const Run& run(int i) const;
    const CheckRunner* runner(int i) const { return m_runners.at(std::size_t(i)).get(); }
    bool isRowFinished(int i) const;
    PortRow row(int i) const;
    bool isStarted() const { return m_started; }
    bool isFinished() const { return m_started && m_pending == 0; }
    /// See the class comment.
    Verdict worstVerdict() const;
    /// The same over finished rows given as data (for the CLI and tests).
    static Verdict worstVerdict(const QList<PortRow>& rows);

Q_SIGNALS:
    void rowChanged(int index);
    void rowFinished(int index);
    void finished();

private:
    void onRunnerFinished(int index);

    QList<MailService> m_services;
    std::vector<std::unique_ptr<CheckRunner>> m_runners;
    int m_pending = 0;
    bool m_started = false;
};

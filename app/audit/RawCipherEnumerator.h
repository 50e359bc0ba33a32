#pragma once

#include "run/Run.h"

#include <functional>
#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QStringList>

class TlsProbePool;
struct ProbeOutcome;

/**
 * Finds every cipher suite a server accepts with one protocol version (SSLv3 ... TLS 1.3), its
 * order of preference and the key-exchange groups it accepts, with raw ClientHello probes over
 * the whole registry (CipherSuiteTable::offerable()), so also RC4, 3DES, export, NULL and
 * anonymous suites that no current TLS library offers.
 *
 * Suites: the candidates are dealt into parallel chains. A chain offers all its remaining suites;
 * the server picks one (accepted), which is removed, and the rest is offered again (split in two
 * chains when many are left, so that a chain rich in accepted suites does not run long); a chain
 * ends when the server refuses all it has left (an alert). Each probe finds one suite, so this
 * costs accepted + chains probes. The suites today's servers commonly accept (those the local TLS
 * library still knows) go PerChain to a chain, so that a stock server's 50-odd TLS 1.2 suites come
 * out in PerChain + 1 rounds; the rest of the registry (RC4, export, NULL, PSK...) shares a few
 * chains of its own, which split as soon as they find something.
 * TLS 1.2 and older probes read on to the ServerKeyExchange: the DH size of DHE suites and the
 * curve of ECDHE suites (AcceptedSuite).
 *
 * Order: half the chains offer their suites strongest-first, half weakest-first. When every probe
 * that offered two or more accepted suites got the first of them, in both directions, the server
 * follows the client ("client") and no more probes are needed. Otherwise the accepted list is
 * offered once strongest-first and once reversed, at the same time.
 * The server picking the first of each means it follows the client ("client"); picking the same
 * one both times means it imposes its own ("server"), which is then read off by offering the
 * remaining suites again and again (one probe per accepted suite, in sequence).
 *
 * Groups: as soon as the first suite that shows one is accepted, beside the suite chains, in
 * chains as the suites. TLS 1.3: the key share, or the group a HelloRetryRequest asks for, names
 * the server's choice among those offered; TLS 1.2 and older: the elliptic curves, offered with
 * that ECDHE suite only (the ServerKeyExchange names the curve).
 */
class RawCipherEnumerator final : public QObject
{
    Q_OBJECT

public:
    /// `wireVersion` 0x0300 ... 0x0304; `hostName` goes into SNI when it is a name.
    RawCipherEnumerator(quint16 wireVersion, const QByteArray& hostName, TlsProbePool* pool,
                        QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(RawCipherEnumerator)

    /// The raw hello record a probe of `wireVersion` sends (a fresh random each time).
    static QByteArray hello(quint16 wireVersion, const QList<quint16>& suites, const QByteArray& hostName,
                            const QList<quint16>& groups = {});
    /// Common suites per chain (see the class comment).
    static constexpr int PerChain = 3;

    /// `codes` sorted strongest first: rating, forward secrecy, AEAD, bits, then registry order.
    static QList<quint16> strongestFirst(QList<quint16> codes);

    void start();
    quint16 wireVersion() const { return m_wire; }
    bool isFinished() const { return m_finished; }
    /// Accepted suites: in the server's order when it has one, else strongest first.
    QList<AcceptedSuite> suites() const;
    /// "server", "client" or "unknown".
    QString order() const { return m_order; }
    /// Accepted key-exchange groups ("x25519", ...), in the order of ClientHello::probeGroups().
    QStringList groups() const;
    /// Probes that got no TLS answer (even after retries) or an answer that makes no sense, with why.
    QStringList problems() const { return m_problems; }

Q_SIGNALS:
    void finished();

private:
    void offer(const QList<quint16>& suites, const QList<quint16>& groups, bool keyExchange,
               std::function<void(const ProbeOutcome&)> done);
    void runChain(QList<quint16> remaining, bool forward);
    /// True when every chain probe is explained by the server taking the client's first choice.
    bool followsClient() const;
    void chainDone();
    void determineOrder();
    void readServerOrder(QList<quint16> remaining);
    void orderDone();
    /// Starts the group probes with `suite`, the first accepted one that has a group to show.
    void probeGroups(quint16 suite);
    void runGroupChain(QList<quint16> remaining, const QList<quint16>& suites);
    void groupPartDone();
    void finishWhenDone();
    void finish();
    /// The suite the answer chose, if it is one of `offered` with this version; else why not.
    std::optional<quint16> chosen(const ProbeOutcome& o, const QList<quint16>& offered);
    void record(quint16 code, const ProbeOutcome& o);

    quint16 m_wire;
    QByteArray m_host;
    TlsProbePool* m_pool;
    QMap<quint16, AcceptedSuite> m_accepted;
    QList<quint16> m_ordered;
    QList<quint16> m_groups;
    /// What each chain probe offered (in order, with its direction) and what the server picked.
    struct Pick
    {
        QList<quint16> offered;
        quint16 chosen;
        bool forward;
    };
    QList<Pick> m_picks;
    QString m_order = QStringLiteral("unknown");
    QStringList m_problems;
    int m_chains = 0; ///< suite chains still running
    int m_groupParts = 0; ///< group chains or single group probes still running
    bool m_suitesDone = false;
    bool m_orderRunning = false;
    bool m_groupsStarted = false;
    bool m_finished = false;
};

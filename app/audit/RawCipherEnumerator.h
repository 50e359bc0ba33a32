#pragma once

#include "run/Run.h"
#include "ServerOrderReader.h"
#include "TlsProbePool.h"

#include <functional>
#include <memory>
#include <optional>
#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QStringList>

/**
 * Finds every cipher suite a server accepts with one protocol version (SSLv3 ... TLS 1.3), its
 * order of preference and the key-exchange groups it accepts, with raw ClientHello probes over
 * the whole registry (CipherSuiteTable::offerable()), so also RC4, 3DES, export, NULL and
 * anonymous suites that no current TLS library offers.
 *
 * A probe finds at most one suite (the server picks one of those offered), so the cost is the
 * accepted suites plus one refusal per set the server turns down; the time is decided by how many
 * probes wait for one another (each is a connection, the preamble and a hello). A stock server
 * takes two rounds:
 *
 * - Round one. The forward probe offers every suite of the version, strongest first: it is the
 *   version probe (versionAnswered()) and half of the order test. The suites servers commonly
 *   accept (those the local TLS library still knows) are offered by class, one probe per key
 *   exchange and authentication (ECDHE-RSA, DHE-RSA, RSA, anonymous DH, PSK, SRP...): a server
 *   takes or refuses a class as a whole far more often than not (it has no ECDSA key, no PSK, no
 *   SRP verifiers), so one alert rules out a whole class. The rest of the registry (RC4, export,
 *   NULL, GOST...) goes into a few chains: a chain offers all it has left, the server picks one,
 *   which is removed, the chain splits in two when many are left, and an alert ends it. The
 *   backward probe offers every suite weakest first. TLS 1.3 (five suites): each suite alone.
 * - Round two. Every other member of a class the server took, alone: one probe each, all at once.
 *
 * The class probes and the forward probe queue ahead of the others (TlsProbePool::Lane::Gating):
 * the work they open then starts as early as it can.
 *
 * Order, once the accepted set is known: the forward probe got the first accepted suite and the
 * backward probe the last: the server follows the client ("client"); both got the same suite: the
 * server imposes its own order ("server"), which ServerOrderReader reads with pairs of suites, in
 * about log2(n) rounds; anything else: "unknown".
 *
 * Groups, once the forward probe shows the version accepted, beside the suites: the groups
 * current libraries support each alone, the rest in chains as above, offered with every ECDHE
 * suite of the version (TLS 1.2 and older: the ServerKeyExchange names the curve) or every TLS 1.3
 * suite (the key share, or the group a HelloRetryRequest asks for). TLS 1.2 and older probes read
 * on to the ServerKeyExchange: the DH size of DHE suites and the curve of ECDHE suites
 * (AcceptedSuite).
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

    /// Below this many probes at once, the server's order is read one suite per round
    /// (ServerOrderReader::setSequential()): with so few, the probe count decides the time.
    static constexpr int ParallelOrderFrom = 8;

    /// `codes` sorted strongest first: rating, forward secrecy, AEAD, bits, then registry order.
    static QList<quint16> strongestFirst(QList<quint16> codes);
    /// The suites of `wireVersion` servers commonly accept, by class (key exchange and
    /// authentication), each class strongest first; TLS 1.3 has none (its suites go alone).
    static QList<QList<quint16>> commonClasses(quint16 wireVersion);

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
    /// The forward probe (every suite of the version, strongest first) has its answer: whether
    /// the server speaks this version at all. Emitted once, before finished().
    void versionAnswered(const ProbeOutcome& outcome);
    void finished();

private:
    using Lane = TlsProbePool::Lane;
    void offer(const QList<quint16>& suites, const QList<quint16>& groups, Lane lane,
               std::function<void(const ProbeOutcome&)> done);
    void probeEnds(const QList<quint16>& strongestFirst);
    /// The forward (version) probe, or the backward one.
    void probeEnd(const QList<quint16>& offered, bool forward);
    void probeClass(const QList<quint16>& members);
    void probeAlone(quint16 suite);
    void runChain(QList<quint16> remaining);
    void suitePartDone();
    void decideOrder();
    void readServerOrder();
    /// Starts the group probes: the version is accepted.
    void probeGroups();
    void runGroupChain(QList<quint16> remaining);
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
    QList<quint16> m_groupSuites; ///< what group probes offer with their groups
    std::unique_ptr<ServerOrderReader> m_orderReader;
    std::optional<quint16> m_forwardPick;
    std::optional<quint16> m_backwardPick;
    QString m_order = QStringLiteral("unknown");
    QStringList m_problems;
    int m_suiteParts = 0; ///< suite probes and chains still running (the order probes too)
    int m_groupParts = 0; ///< group chains or single group probes still running
    bool m_suitesDone = false;
    bool m_orderRunning = false;
    bool m_groupsStarted = false;
    bool m_finished = false;
};

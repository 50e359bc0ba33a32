#include "RawCipherEnumerator.h"

#include "tls/CipherSuites.h"
#include "tls/CipherSuiteTable.h"
#include "tls/ClientHello.h"
#include "tls/ServerHelloParser.h"
#include "TlsProbePool.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <QHash>
#include <QRandomGenerator>
#include <QSet>

namespace {

/// Chains for the rarely accepted rest of the registry: they split when they find something.
int initialChains(quint16 wire) { return wire == WireVersion::Tls12 ? 4 : 2; }

/// A chain whose server just picked a suite is split in two when this many are left.
constexpr int SplitAt = 4;

/// Chains the rarely accepted groups are dealt into (the common ones go alone).
constexpr int GroupChains = 2;

/// The groups current TLS libraries support by default (x25519, secp256r1, x448, secp521r1,
/// secp384r1): each is probed alone, at once; the rest of the list goes in chains.
bool isCommonGroup(quint16 g)
{
    return g == 0x001d || g == 0x0017 || g == 0x001e || g == 0x0019 || g == 0x0018;
}

bool isKeyExchange(const CipherSuiteInfo& s, const char* kx) { return std::strcmp(s.keyExchange, kx) == 0; }

/// Groups a TLS 1.3 key share can name (RFC 8446 s.4.2.7, RFC 8734 brainpool).
QList<quint16> tls13Groups()
{
    return {0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x001f, 0x0020,
            0x0021, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104};
}

/// Elliptic curves an ECDHE ServerKeyExchange can name (RFC 8422 s.5.1.1, RFC 4492, RFC 7027).
QList<quint16> ecdheCurves()
{
    QList<quint16> curves;
    for (quint16 g : ClientHello::probeGroups()) {
        if (g < 0x0100)
            curves.append(g);
    }
    return curves;
}

/// The suites of `wire` the local TLS library still offers at security level 0: what servers
/// commonly accept, so the enumeration spreads them thinly (a prior for speed, not a filter).
QSet<quint16> commonSuites(quint16 wire)
{
    const TlsVersion v = wire >= WireVersion::Tls12   ? TlsVersion::V1_2
                         : wire == WireVersion::Tls11 ? TlsVersion::V1_1
                                                      : TlsVersion::V1_0;
    static const QHash<QString, quint16> byName = [] {
        QHash<QString, quint16> map;
        for (const CipherSuiteInfo& s : CipherSuiteTable::all()) {
            if (!s.sslV2 && *s.openSslName)
                map.insert(QLatin1String(s.openSslName), quint16(s.code));
        }
        return map;
    }();
    QSet<quint16> codes;
    for (const QString& name : CipherSuites::candidates(v)) {
        if (const auto it = byName.constFind(name); it != byName.cend())
            codes.insert(*it);
    }
    return codes;
}

QList<QList<quint16>> deal(const QList<quint16>& items, int chains)
{
    if (items.isEmpty())
        return {};
    chains = std::max(1, std::min(chains, int(items.size())));
    QList<QList<quint16>> dealt(chains);
    for (qsizetype i = 0; i < items.size(); ++i)
        dealt[i % chains].append(items.at(i));
    return dealt;
}
} // namespace

RawCipherEnumerator::RawCipherEnumerator(quint16 wireVersion, const QByteArray& hostName, TlsProbePool* pool,
                                         QObject* parent)
    : QObject(parent)
    , m_wire(wireVersion)
    , m_host(hostName)
    , m_pool(pool)
{
}

QByteArray RawCipherEnumerator::hello(quint16 wire, const QList<quint16>& suites, const QByteArray& host,
                                      const QList<quint16>& groups)
{
    QByteArray random(32, '\0');
    QRandomGenerator::global()->generate(random.begin(), random.end());
    const ClientHelloSpec spec = groups.isEmpty() ? ClientHello::probe(wire, suites, host, random)
                                                  : ClientHello::probe(wire, suites, host, random, groups);
    return ClientHello::record(spec);
}

QList<quint16> RawCipherEnumerator::strongestFirst(QList<quint16> codes)
{
    const auto rank = [](quint16 code) {
        const CipherSuiteInfo* s = CipherSuiteTable::find(code);
        if (!s)
            return std::make_tuple(0, 0, 0, 0);
        return std::make_tuple(int(CipherSuiteTable::classify(*s)),
                               CipherSuiteTable::forwardSecret(*s) ? 1 : 0,
                               std::strcmp(s->mac, "AEAD") == 0 ? 1 : 0, s->bits);
    };
    std::stable_sort(codes.begin(), codes.end(), [&](quint16 a, quint16 b) {
        const auto ra = rank(a);
        const auto rb = rank(b);
        return ra != rb ? ra > rb : a < b;
    });
    return codes;
}

QList<QList<quint16>> RawCipherEnumerator::commonClasses(quint16 wire)
{
    if (wire >= WireVersion::Tls13)
        return {};
    const QSet<quint16> common = commonSuites(wire);
    QList<QList<quint16>> classes;
    QHash<QByteArray, qsizetype> classOf;
    for (quint16 code : strongestFirst(CipherSuiteTable::offerable(wire))) {
        if (!common.contains(code))
            continue;
        const CipherSuiteInfo* s = CipherSuiteTable::find(code);
        const QByteArray key = QByteArray(s->keyExchange) + '/' + s->authentication;
        const auto it = classOf.constFind(key);
        if (it == classOf.cend()) {
            classOf.insert(key, classes.size());
            classes.append(QList<quint16> {code});
        } else {
            classes[*it].append(code);
        }
    }
    return classes;
}

QList<AcceptedSuite> RawCipherEnumerator::suites() const
{
    QList<AcceptedSuite> list;
    for (quint16 code : m_ordered)
        list.append(m_accepted.value(code));
    return list;
}

QStringList RawCipherEnumerator::groups() const
{
    QStringList names;
    for (quint16 g : ClientHello::probeGroups()) {
        if (m_groups.contains(g))
            names.append(ServerHelloParser::groupName(g));
    }
    return names;
}

void RawCipherEnumerator::offer(const QList<quint16>& suites, const QList<quint16>& groups, Lane lane,
                                std::function<void(const ProbeOutcome&)> done)
{
    // TLS 1.2 and older: the ServerKeyExchange comes in the same flight as the ServerHello, so
    // reading on to it costs no round trip. TLS 1.3 encrypts everything after the ServerHello.
    const bool deep = m_wire < WireVersion::Tls13;
    m_pool->submitRaw(hello(m_wire, suites, m_host, groups),
                      deep ? ServerHelloParser::Depth::KeyExchange : ServerHelloParser::Depth::ServerHello,
                      std::move(done), lane);
}

void RawCipherEnumerator::start()
{
    const QList<quint16> candidates = strongestFirst(CipherSuiteTable::offerable(m_wire));
    if (candidates.isEmpty()) {
        m_suitesDone = true;
        finishWhenDone();
        return;
    }
    // The forward probe first (it gates the groups), then the classes (each gates its members).
    probeEnds(candidates);
    if (m_wire >= WireVersion::Tls13) {
        // A handful of suites: each alone, all at once.
        for (quint16 suite : candidates)
            probeAlone(suite);
        return;
    }
    const QList<QList<quint16>> classes = commonClasses(m_wire);
    QSet<quint16> common;
    for (const QList<quint16>& members : classes) {
        probeClass(members);
        for (quint16 code : members)
            common.insert(code);
    }
    QList<quint16> rest;
    for (quint16 code : candidates) {
        if (!common.contains(code))
            rest.append(code);
    }
    for (const QList<quint16>& chain : deal(rest, initialChains(m_wire)))
        runChain(chain);
}

std::optional<quint16> RawCipherEnumerator::chosen(const ProbeOutcome& o, const QList<quint16>& offered)
{
    if (o.kind != ProbeOutcome::Kind::Accepted || !o.answer)
        return std::nullopt;
    const ServerHelloInfo& h = o.answer->hello;
    if (h.version != m_wire)
        return std::nullopt; // another version: none of these with this one
    if (!offered.contains(h.cipher)) {
        m_problems.append(
            tr("the server chose suite 0x%1, which was not offered").arg(h.cipher, 4, 16, QLatin1Char('0')));
        return std::nullopt;
    }
    return h.cipher;
}

void RawCipherEnumerator::record(quint16 code, const ProbeOutcome& o)
{
    AcceptedSuite suite;
    suite.code = code;
    const ServerHelloInfo& h = o.answer->hello;
    if (const CipherSuiteInfo* s = CipherSuiteTable::find(code)) {
        if (m_wire >= WireVersion::Tls13) {
            if (h.keyShareGroup)
                suite.group = ServerHelloParser::groupName(*h.keyShareGroup);
        } else if (isKeyExchange(*s, "DH")) {
            suite.dhBits = ServerHelloParser::dhPrimeBits(h.serverKeyExchange).value_or(0);
        } else if (isKeyExchange(*s, "ECDH")) {
            if (const auto g = ServerHelloParser::ecdheGroup(h.serverKeyExchange))
                suite.group = ServerHelloParser::groupName(*g);
        }
    }
    // A suite seen twice keeps what its first answer showed (the same server, the same suite).
    if (!m_accepted.contains(code))
        m_accepted.insert(code, suite);
}

void RawCipherEnumerator::probeEnds(const QList<quint16>& forward)
{
    QList<quint16> backward = forward;
    std::reverse(backward.begin(), backward.end());
    probeEnd(forward, true);
    probeEnd(backward, false);
}

void RawCipherEnumerator::probeEnd(const QList<quint16>& offered, bool forward)
{
    ++m_suiteParts;
    offer(offered, {}, forward ? Lane::Gating : Lane::Normal,
          [this, offered, forward](const ProbeOutcome& o) {
              const std::optional<quint16> pick = chosen(o, offered);
              (forward ? m_forwardPick : m_backwardPick) = pick;
              if (pick)
                  record(*pick, o);
              else if (o.kind == ProbeOutcome::Kind::Failed)
                  m_problems.append(o.detail);
              if (forward) {
                  Q_EMIT versionAnswered(o);
                  if (pick && !m_groupsStarted)
                      probeGroups();
              }
              suitePartDone();
          });
}

void RawCipherEnumerator::probeClass(const QList<quint16>& members)
{
    ++m_suiteParts;
    offer(members, {}, Lane::Gating, [this, members](const ProbeOutcome& o) {
        if (const auto pick = chosen(o, members)) {
            // The server takes this class: every other member alone, all at once.
            record(*pick, o);
            for (quint16 code : members) {
                // The forward or backward probe may have found one already.
                if (!m_accepted.contains(code))
                    probeAlone(code);
            }
        } else if (o.kind == ProbeOutcome::Kind::Failed) {
            m_problems.append(o.detail);
        }
        suitePartDone();
    });
}

void RawCipherEnumerator::probeAlone(quint16 suite)
{
    ++m_suiteParts;
    const QList<quint16> offered {suite};
    offer(offered, {}, Lane::Normal, [this, offered](const ProbeOutcome& o) {
        if (const auto pick = chosen(o, offered))
            record(*pick, o);
        else if (o.kind == ProbeOutcome::Kind::Failed)
            m_problems.append(o.detail);
        suitePartDone();
    });
}

void RawCipherEnumerator::runChain(QList<quint16> remaining)
{
    ++m_suiteParts;
    offer(remaining, {}, Lane::Normal, [this, remaining](const ProbeOutcome& o) mutable {
        if (const auto pick = chosen(o, remaining)) {
            record(*pick, o);
            remaining.removeAll(*pick);
            if (remaining.size() >= SplitAt) {
                // The server had something here: it may have more, look in two halves at once.
                const qsizetype half = remaining.size() / 2;
                runChain(remaining.mid(0, half));
                runChain(remaining.mid(half));
            } else if (!remaining.isEmpty()) {
                runChain(remaining);
            }
        } else if (o.kind == ProbeOutcome::Kind::Failed) {
            m_problems.append(o.detail);
        }
        suitePartDone();
    });
}

void RawCipherEnumerator::suitePartDone()
{
    if (--m_suiteParts > 0)
        return;
    m_suitesDone = true;
    decideOrder();
}

void RawCipherEnumerator::decideOrder()
{
    m_ordered = strongestFirst(m_accepted.keys());
    if (m_ordered.size() < 2) {
        finishWhenDone();
        return;
    }
    if (m_forwardPick == m_ordered.constFirst() && m_backwardPick == m_ordered.constLast()) {
        m_order = QStringLiteral("client");
    } else if (m_forwardPick && m_forwardPick == m_backwardPick) {
        readServerOrder();
        return;
    }
    finishWhenDone();
}

void RawCipherEnumerator::readServerOrder()
{
    const auto pairOffer = [this](const QList<quint16>& suites, const ServerOrderReader::Answer& answer) {
        offer(suites, {}, Lane::Normal, [this, suites, answer](const ProbeOutcome& o) {
            if (o.kind == ProbeOutcome::Kind::Failed)
                m_problems.append(o.detail);
            answer(chosen(o, suites), o.detail);
        });
    };
    m_orderReader = std::make_unique<ServerOrderReader>(m_ordered, m_forwardPick, pairOffer);
    // Few connections at a time: the probe count decides the time, not the rounds.
    m_orderReader->setSequential(m_pool->concurrency() < ParallelOrderFrom);
    connect(m_orderReader.get(), &ServerOrderReader::finished, this, [this] {
        m_ordered = m_orderReader->order();
        m_order = m_orderReader->consistent() ? QStringLiteral("server") : QStringLiteral("unknown");
        m_orderRunning = false;
        finishWhenDone();
    });
    m_orderRunning = true;
    m_orderReader->start();
}

void RawCipherEnumerator::probeGroups()
{
    m_groupsStarted = true;
    QList<quint16> groups;
    if (m_wire >= WireVersion::Tls13) {
        // The server's key share (x25519, whose placeholder share we send when it leads the list)
        // or its HelloRetryRequest names its pick among those offered; an alert when none.
        m_groupSuites = CipherSuiteTable::offerable(m_wire);
        groups = tls13Groups();
    } else {
        // Every ECDHE suite with the curves: the ServerKeyExchange names the server's pick.
        for (quint16 code : CipherSuiteTable::offerable(m_wire)) {
            if (const CipherSuiteInfo* s = CipherSuiteTable::find(code); s && isKeyExchange(*s, "ECDH"))
                m_groupSuites.append(code);
        }
        groups = ecdheCurves();
    }
    if (m_groupSuites.isEmpty())
        return;
    QList<quint16> rare;
    for (quint16 g : groups) {
        if (isCommonGroup(g))
            runGroupChain({g});
        else
            rare.append(g);
    }
    for (const QList<quint16>& chain : deal(rare, GroupChains))
        runGroupChain(chain);
}

void RawCipherEnumerator::runGroupChain(QList<quint16> remaining)
{
    ++m_groupParts;
    offer(m_groupSuites, remaining, Lane::Normal, [this, remaining](const ProbeOutcome& o) mutable {
        std::optional<quint16> g;
        if (chosen(o, m_groupSuites)) {
            g = m_wire >= WireVersion::Tls13
                    ? o.answer->hello.keyShareGroup
                    : ServerHelloParser::ecdheGroup(o.answer->hello.serverKeyExchange);
        }
        if (g && remaining.contains(*g)) {
            m_groups.append(*g);
            remaining.removeAll(*g);
            if (remaining.size() >= SplitAt) {
                const qsizetype half = remaining.size() / 2;
                runGroupChain(remaining.mid(0, half));
                runGroupChain(remaining.mid(half));
            } else if (!remaining.isEmpty()) {
                runGroupChain(remaining);
            }
        } else if (o.kind == ProbeOutcome::Kind::Failed) {
            m_problems.append(o.detail);
        }
        groupPartDone();
    });
}

void RawCipherEnumerator::groupPartDone()
{
    --m_groupParts;
    finishWhenDone();
}

void RawCipherEnumerator::finishWhenDone()
{
    if (m_suitesDone && !m_orderRunning && m_groupParts == 0)
        finish();
}

void RawCipherEnumerator::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished();
}

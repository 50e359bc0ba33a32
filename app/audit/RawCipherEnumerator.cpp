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

/// Chains the groups are dealt into, and when a group chain splits: groups run beside the suite
/// chains, so they may take as many rounds, with few probes (a server accepts a handful).
constexpr int GroupChains = 2;
constexpr int GroupSplitAt = 12;

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

void RawCipherEnumerator::offer(const QList<quint16>& suites, const QList<quint16>& groups, bool keyExchange,
                                std::function<void(const ProbeOutcome&)> done)
{
    // TLS 1.3 sends everything after the ServerHello encrypted: there is nothing more to read.
    const bool deep = keyExchange && m_wire < WireVersion::Tls13;
    m_pool->submitRaw(hello(m_wire, suites, m_host, groups),
                      deep ? ServerHelloParser::Depth::KeyExchange : ServerHelloParser::Depth::ServerHello,
                      std::move(done));
}

void RawCipherEnumerator::start()
{
    const QList<quint16> candidates = strongestFirst(CipherSuiteTable::offerable(m_wire));
    if (candidates.isEmpty()) {
        m_suitesDone = true;
        finishWhenDone();
        return;
    }
    if (m_wire >= WireVersion::Tls13) {
        // A handful of suites: each alone, all at once.
        m_chains = int(candidates.size());
        for (quint16 suite : candidates)
            runChain({suite}, true);
        return;
    }
    QList<quint16> common;
    QList<quint16> rest;
    const QSet<quint16> known = commonSuites(m_wire);
    for (quint16 code : candidates)
        (known.contains(code) ? common : rest).append(code);
    QList<QList<quint16>> chains = deal(common, int((common.size() + PerChain - 1) / PerChain));
    chains += deal(rest, initialChains(m_wire));
    m_chains = int(chains.size());
    for (qsizetype i = 0; i < chains.size(); ++i) {
        // Every other chain weakest-first: the picks then tell client order from server order.
        QList<quint16> chain = chains.at(i);
        const bool forward = i % 2 == 0;
        if (!forward)
            std::reverse(chain.begin(), chain.end());
        runChain(chain, forward);
    }
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
    bool showsGroup = false;
    if (const CipherSuiteInfo* s = CipherSuiteTable::find(code)) {
        if (m_wire >= WireVersion::Tls13) {
            showsGroup = true;
            if (h.keyShareGroup)
                suite.group = ServerHelloParser::groupName(*h.keyShareGroup);
        } else if (isKeyExchange(*s, "DH")) {
            suite.dhBits = ServerHelloParser::dhPrimeBits(h.serverKeyExchange).value_or(0);
        } else if (isKeyExchange(*s, "ECDH")) {
            showsGroup = true;
            if (const auto g = ServerHelloParser::ecdheGroup(h.serverKeyExchange))
                suite.group = ServerHelloParser::groupName(*g);
        }
    }
    m_accepted.insert(code, suite);
    if (showsGroup && !m_groupsStarted)
        probeGroups(code);
}

void RawCipherEnumerator::runChain(QList<quint16> remaining, bool forward)
{
    offer(remaining, {}, true, [this, remaining, forward](const ProbeOutcome& o) mutable {
        if (const auto pick = chosen(o, remaining)) {
            record(*pick, o);
            m_picks.append({remaining, *pick, forward});
            remaining.removeAll(*pick);
            if (remaining.size() >= SplitAt) {
                // The server had something here: it may have more, look in two halves at once.
                const qsizetype half = remaining.size() / 2;
                ++m_chains;
                runChain(remaining.mid(0, half), forward);
                runChain(remaining.mid(half), forward);
                return;
            }
            if (!remaining.isEmpty()) {
                runChain(remaining, forward);
                return;
            }
        } else if (o.kind == ProbeOutcome::Kind::Failed) {
            m_problems.append(o.detail);
        }
        chainDone();
    });
}

bool RawCipherEnumerator::followsClient() const
{
    // Only picks among two or more accepted suites say anything; both directions must have some,
    // or a server whose own order happens to match ours would pass for one following the client.
    bool forwardSeen = false;
    bool backwardSeen = false;
    for (const Pick& p : m_picks) {
        QList<quint16> acceptable;
        for (quint16 code : p.offered) {
            if (m_accepted.contains(code))
                acceptable.append(code);
        }
        if (acceptable.size() < 2)
            continue;
        if (p.chosen != acceptable.constFirst())
            return false;
        (p.forward ? forwardSeen : backwardSeen) = true;
    }
    return forwardSeen && backwardSeen;
}

void RawCipherEnumerator::chainDone()
{
    if (--m_chains > 0)
        return;
    m_suitesDone = true;
    m_ordered = strongestFirst(m_accepted.keys());
    if (followsClient()) {
        m_order = QStringLiteral("client");
        finishWhenDone();
        return;
    }
    determineOrder();
}

void RawCipherEnumerator::orderDone()
{
    m_orderRunning = false;
    finishWhenDone();
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

void RawCipherEnumerator::determineOrder()
{
    const QList<quint16> list = m_ordered;
    if (list.size() < 2) {
        finishWhenDone();
        return;
    }
    m_orderRunning = true;
    QList<quint16> reversed = list;
    std::reverse(reversed.begin(), reversed.end());
    auto picks = std::make_shared<QList<int>>(QList<int> {-1, -1});
    auto pending = std::make_shared<int>(2);
    const auto both = [this, list, picks, pending] {
        if (--*pending > 0)
            return;
        const int forward = picks->at(0);
        const int backward = picks->at(1);
        if (forward == list.first() && backward == list.last()) {
            m_order = QStringLiteral("client");
            orderDone();
        } else if (forward >= 0 && forward == backward) {
            m_order = QStringLiteral("server");
            m_ordered = {quint16(forward)};
            QList<quint16> rest = list;
            rest.removeAll(quint16(forward));
            readServerOrder(rest);
        } else {
            orderDone();
        }
    };
    offer(list, {}, false, [this, list, picks, both](const ProbeOutcome& o) {
        (*picks)[0] = chosen(o, list).value_or(-1);
        both();
    });
    offer(reversed, {}, false, [this, reversed, picks, both](const ProbeOutcome& o) {
        (*picks)[1] = chosen(o, reversed).value_or(-1);
        both();
    });
}

void RawCipherEnumerator::readServerOrder(QList<quint16> remaining)
{
    if (remaining.size() <= 1) {
        m_ordered += remaining;
        orderDone();
        return;
    }
    offer(remaining, {}, false, [this, remaining](const ProbeOutcome& o) mutable {
        const auto pick = chosen(o, remaining);
        if (!pick) {
            // The server stopped answering consistently: keep what is known, in strength order.
            m_ordered += strongestFirst(remaining);
            m_order = QStringLiteral("unknown");
            if (o.kind == ProbeOutcome::Kind::Failed)
                m_problems.append(o.detail);
            orderDone();
            return;
        }
        m_ordered.append(*pick);
        remaining.removeAll(*pick);
        readServerOrder(remaining);
    });
}

void RawCipherEnumerator::probeGroups(quint16 suite)
{
    m_groupsStarted = true;
    const QList<quint16> suites {suite};
    if (m_wire >= WireVersion::Tls13) {
        // Groups in chains like the suites: the server's key share (x25519, whose placeholder
        // share we send when it leads the list) or its HelloRetryRequest names its pick among
        // those offered; an alert when it accepts none of them.
        const QList<QList<quint16>> chains = deal(tls13Groups(), GroupChains);
        m_groupParts += int(chains.size());
        for (const QList<quint16>& chain : chains)
            runGroupChain(chain, suites);
        return;
    }
    // An ECDHE suite with the curves in chains: the ServerKeyExchange names the server's pick.
    const QList<QList<quint16>> chains = deal(ecdheCurves(), GroupChains);
    m_groupParts += int(chains.size());
    for (const QList<quint16>& chain : chains)
        runGroupChain(chain, suites);
}

void RawCipherEnumerator::runGroupChain(QList<quint16> remaining, const QList<quint16>& suites)
{
    offer(suites, remaining, true, [this, remaining, suites](const ProbeOutcome& o) mutable {
        std::optional<quint16> g;
        if (chosen(o, suites)) {
            g = m_wire >= WireVersion::Tls13
                    ? o.answer->hello.keyShareGroup
                    : ServerHelloParser::ecdheGroup(o.answer->hello.serverKeyExchange);
        }
        if (g && remaining.contains(*g)) {
            m_groups.append(*g);
            remaining.removeAll(*g);
            if (remaining.size() >= GroupSplitAt) {
                const qsizetype half = remaining.size() / 2;
                ++m_groupParts;
                runGroupChain(remaining.mid(0, half), suites);
                runGroupChain(remaining.mid(half), suites);
                return;
            }
            if (!remaining.isEmpty()) {
                runGroupChain(remaining, suites);
                return;
            }
        } else if (o.kind == ProbeOutcome::Kind::Failed) {
            m_problems.append(o.detail);
        }
        groupPartDone();
    });
}

void RawCipherEnumerator::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished();
}

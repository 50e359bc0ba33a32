// ServerOrderReader against a simulated server that has its own order of preference: every probe
// is answered on the event loop with the offered suite the server ranks highest.

#include "audit/ServerOrderReader.h"

#include <algorithm>
#include <cmath>
#include <QHash>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

namespace {

/// A server that prefers suites in `ranking` order (first = most preferred).
struct SimulatedServer
{
    QList<quint16> ranking;
    /// Offers containing both of these get no pick (an alert): an inconsistent server.
    QSet<quint16> refuseTogether;
    /// Answers this suite whatever was offered (a broken server).
    std::optional<quint16> alwaysPick;
    int offers = 0;
    int largestOffer = 0;

    ServerOrderReader::Offer offer()
    {
        return [this](const QList<quint16>& suites, const ServerOrderReader::Answer& answer) {
            ++offers;
            largestOffer = std::max(largestOffer, int(suites.size()));
            std::optional<quint16> pick;
            if (alwaysPick) {
                pick = alwaysPick;
            } else if (!(refuseTogether.size() == 2 && suites.size() == 2
                         && refuseTogether == QSet<quint16>(suites.cbegin(), suites.cend()))) {
                for (quint16 s : ranking) {
                    if (suites.contains(s)) {
                        pick = s;
                        break;
                    }
                }
            }
            QTimer::singleShot(0, [answer, pick] {
                answer(pick, pick ? QString() : QStringLiteral("alert handshake failure"));
            });
        };
    }
};

QList<quint16> suites(int n)
{
    QList<quint16> list;
    for (int i = 0; i < n; ++i)
        list.append(quint16(0xc000 + i));
    return list;
}

QList<quint16> shuffled(QList<quint16> list, quint32 seed)
{
    QRandomGenerator random(seed);
    for (qsizetype i = list.size() - 1; i > 0; --i)
        list.swapItemsAt(i, random.bounded(int(i + 1)));
    return list;
}

int ceilLog2(int n) { return n <= 1 ? 0 : int(std::ceil(std::log2(double(n)))); }

} // namespace

class TestServerOrderReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsTheServersOrder_data();
    void readsTheServersOrder();
    void priorThatMatchesTakesLogRounds();
    void sequentialOffersWhatIsLeft();
    void knownTopIsNotProbed();
    void nothingToOrder();
    void refusedPairMakesTheOrderUnknown();
    void pickNotOfferedMakesTheOrderUnknown();
};

void TestServerOrderReader::readsTheServersOrder_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<quint32>("seed");
    for (int n : {2, 3, 4, 5, 6, 9, 17, 30, 56}) {
        for (quint32 seed : {1u, 7u, 42u}) {
            const QByteArray name = QByteArray::number(n) + " suites, seed " + QByteArray::number(seed);
            QTest::newRow(name.constData()) << n << seed;
        }
    }
}

void TestServerOrderReader::readsTheServersOrder()
{
    QFETCH(int, count);
    QFETCH(quint32, seed);
    // The prior (what the enumerator knows: strongest first) and the server's order are unrelated.
    const QList<quint16> prior = suites(count);
    SimulatedServer server;
    server.ranking = shuffled(prior, seed);
    ServerOrderReader reader(prior, std::nullopt, server.offer());
    QSignalSpy finished(&reader, &ServerOrderReader::finished);
    reader.start();
    QTRY_COMPARE(finished.size(), 1);
    QVERIFY(reader.isFinished());
    QVERIFY2(reader.consistent(), qPrintable(reader.problems().join(QLatin1String("; "))));
    QCOMPARE(reader.order(), server.ranking);
    QCOMPARE(reader.probes(), server.offers);
    QCOMPARE(server.largestOffer, 2); // pairs only: each answer is one comparison
    // Fewer rounds than offering what is left again and again (n - 1 rounds), from 6 suites on.
    if (count >= 6)
        QVERIFY2(reader.rounds() < count - 1, qPrintable(QStringLiteral("%1 rounds").arg(reader.rounds())));
    // Never more than all pairs.
    QVERIFY(reader.probes() <= count * (count - 1) / 2);
    qInfo("%d suites: %d probes in %d rounds", count, reader.probes(), reader.rounds());
}

void TestServerOrderReader::priorThatMatchesTakesLogRounds()
{
    // A server whose order is the prior: every pivot halves its set.
    for (int n : {5, 8, 16, 33, 56}) {
        SimulatedServer server;
        server.ranking = suites(n);
        ServerOrderReader reader(server.ranking, std::nullopt, server.offer());
        QSignalSpy finished(&reader, &ServerOrderReader::finished);
        reader.start();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(reader.order(), server.ranking);
        QVERIFY2(reader.rounds() <= ceilLog2(n),
                 qPrintable(QStringLiteral("%1 suites: %2 rounds").arg(n).arg(reader.rounds())));
    }
}

void TestServerOrderReader::sequentialOffersWhatIsLeft()
{
    SimulatedServer server;
    server.ranking = shuffled(suites(9), 3);
    ServerOrderReader reader(suites(9), std::nullopt, server.offer());
    reader.setSequential(true);
    QSignalSpy finished(&reader, &ServerOrderReader::finished);
    reader.start();
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(reader.order(), server.ranking);
    // One probe per suite but the last, each waiting for the one before.
    QCOMPARE(reader.probes(), 8);
    QCOMPARE(reader.rounds(), 8);
    QCOMPARE(server.largestOffer, 9);
}

void TestServerOrderReader::knownTopIsNotProbed()
{
    SimulatedServer server;
    server.ranking = shuffled(suites(4), 11);
    ServerOrderReader reader(suites(4), server.ranking.constFirst(), server.offer());
    QSignalSpy finished(&reader, &ServerOrderReader::finished);
    reader.start();
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(reader.order(), server.ranking);
    QCOMPARE(reader.probes(), 3); // the pairs of the other three
    QCOMPARE(reader.rounds(), 1);
}

void TestServerOrderReader::nothingToOrder()
{
    SimulatedServer server;
    ServerOrderReader one({0x1301}, std::nullopt, server.offer());
    QSignalSpy finished(&one, &ServerOrderReader::finished);
    one.start();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(one.order(), QList<quint16> {0x1301});
    QCOMPARE(server.offers, 0);
}

void TestServerOrderReader::refusedPairMakesTheOrderUnknown()
{
    const QList<quint16> prior = suites(12);
    SimulatedServer server;
    server.ranking = shuffled(prior, 5);
    // The middle of the prior is the first pivot: one of its pairs gets an alert.
    server.refuseTogether = {prior.at(6), prior.at(2)};
    ServerOrderReader reader(prior, std::nullopt, server.offer());
    QSignalSpy finished(&reader, &ServerOrderReader::finished);
    reader.start();
    QTRY_COMPARE(finished.size(), 1);
    QVERIFY(!reader.consistent());
    QCOMPARE(reader.problems(), QStringList {QStringLiteral("alert handshake failure")});
    QCOMPARE(reader.order(), prior); // not a guess presented as the server's order
}

void TestServerOrderReader::pickNotOfferedMakesTheOrderUnknown()
{
    SimulatedServer server;
    server.alwaysPick = 0x0005;
    for (bool sequential : {false, true}) {
        ServerOrderReader reader(suites(7), std::nullopt, server.offer());
        reader.setSequential(sequential);
        QSignalSpy finished(&reader, &ServerOrderReader::finished);
        reader.start();
        QTRY_COMPARE(finished.size(), 1);
        QVERIFY(!reader.consistent());
        QVERIFY(!reader.problems().isEmpty());
        QCOMPARE(reader.order(), suites(7));
    }
}

QTEST_GUILESS_MAIN(TestServerOrderReader)
#include "TestServerOrderReader.moc"

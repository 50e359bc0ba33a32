// ProfileStore: round trips (non-ASCII names included), and every kind of bad file (corrupt,
// truncated, future schema, wrong types, hostile sizes and nesting, not a regular file) leaves the
// original bytes on disk and gives a clear message; two stores on one file never lose a profile.

#include "profiles/ProfileStore.h"
#include "TestPrinters.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

Q_DECLARE_METATYPE(StoreNotice::Kind)

namespace {

ServerProfile fullProfile(const QString& name)
{
    ServerProfile p;
    p.name = name;
    p.host = QStringLiteral("mail.example.org");
    p.port = 993;
    p.protocol = Protocol::Imap;
    p.tls = TlsMode::Implicit;
    p.policy = TlsPolicy::Opportunistic;
    p.heloName = QStringLiteral("client.example.org");
    p.authMechanism = QStringLiteral("cram-md5");
    p.user = QStringLiteral("jürgen@example.org");
    p.caFiles = {QStringLiteral("/etc/ssl/büro-ca.pem")};
    p.acceptedCertificates = {
        {QStringLiteral("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                        "AB:CD:EF:01:23:45:67:89"),
         QStringLiteral("CN=büro"), QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC)}};
    p.insecure = true;
    p.stepTimeoutMs = 2500;
    p.expiryWarningDays = 30;
    p.stopAfter = StepId::GreetingTls;
    p.audit.versions = true;
    p.audit.ocsp = true;
    p.notes = QStringLiteral("Zweigstelle Köln — 東京 📧\nsecond line");
    p.mailFrom = QStringLiteral("prüfer@example.org");
    p.rcptTo = {QStringLiteral("a@example.org"), QStringLiteral("ü@example.org")};
    return p;
}

ServerProfile domainProfile(const QString& name)
{
    ServerProfile p;
    p.kind = ProfileKind::Domain;
    p.name = name;
    p.domain = QStringLiteral("example.test");
    p.dnsServer = QStringLiteral("127.0.0.1@5353");
    p.trustAnchorFile = QStringLiteral("/etc/mailscope/test-zone.ds");
    p.notes = QStringLiteral("Kunden-Domain 📧");
    return p;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

QByteArray validDocument(int count)
{
    QJsonArray list;
    for (int i = 0; i < count; ++i) {
        list.append(QJsonObject {{QStringLiteral("name"), QStringLiteral("server %1").arg(i)},
                                 {QStringLiteral("host"), QStringLiteral("mx%1.example.org").arg(i)},
                                 {QStringLiteral("port"), 25}});
    }
    return QJsonDocument(
               QJsonObject {{QStringLiteral("schema_version"), 1}, {QStringLiteral("profiles"), list}})
        .toJson();
}

QList<StoreNotice::Kind> kinds(const ProfileStore& store)
{
    QList<StoreNotice::Kind> list;
    for (const StoreNotice& n : store.notices())
        list.append(n.kind);
    return list;
}

QStringList names(const ProfileStore& store)
{
    QStringList list;
    for (const ServerProfile& p : store.profiles())
        list.append(p.name);
    list.sort();
    return list;
}

} // namespace

class TestProfileStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void roundTripKeepsEveryFieldAndNonAsciiNames();
    void defaultPathIsUnderTheConfigFolder();
    void badFilesAreMovedAsideByteForByte_data();
    void badFilesAreMovedAsideByteForByte();
    void partlyValidFileIsRecovered();
    void futureSchemaIsReadOnlyAndUntouched();
    void notARegularFileIsNeverOpenedNorReplaced();
    void twoStoresOnOneFileLoseNothing();
    void editOfAProfileChangedElsewhereIsRefused();
    void restoreKeepsTheIdUnlessTaken();
    void fileReplacedByAnotherInstanceWithGarbageIsMovedAsideBeforeSaving();
    void boundsAreEnforcedOnSave();
    void exportCarriesNoSecretsNorLocalState();
    void thousandProfiles();
    void domainProfilesRoundTripAndRaiseTheSchema();
    void serverOnlyFilesStayAsTheyWere();
    void unknownKindIsRefusedWithAReason();
    void domainProfileValidation_data();
    void domainProfileValidation();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("cfg/profiles.json")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestProfileStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestProfileStore::roundTripKeepsEveryFieldAndNonAsciiNames()
{
    const QStringList names {QStringLiteral("Büro-Server"), QStringLiteral("メールサーバー"),
                             QStringLiteral("Ελληνικά 📧"), QStringLiteral("plain")};
    QList<ServerProfile> saved;
    {
        ProfileStore store(path());
        store.load();
        QCOMPARE(store.profiles().size(), 0);
        QVERIFY(store.notices().isEmpty());
        for (const QString& name : names) {
            ServerProfile p = fullProfile(name);
            QCOMPARE(store.add(p), QString());
            QVERIFY(!p.id.isEmpty());
            QCOMPARE(p.revision, 1);
            saved.append(p);
        }
    }
    ProfileStore again(path());
    again.load();
    QVERIFY(again.notices().isEmpty());
    QCOMPARE(again.profiles().size(), names.size());
    for (const ServerProfile& p : std::as_const(saved)) {
        const auto read = again.byName(p.name);
        QVERIFY2(read.has_value(), qPrintable(p.name));
        QCOMPARE(read->toJson(), p.toJson());
    }
    // Written as UTF-8 text, readable in any editor.
    const QByteArray bytes = readAll(path());
    QVERIFY(bytes.contains(QStringLiteral("メールサーバー").toUtf8()));
    QVERIFY(bytes.contains("\"schema_version\": 1"));
    // Only the owner may read it.
    QCOMPARE(QFile::permissions(path()) & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions());
}

void TestProfileStore::defaultPathIsUnderTheConfigFolder()
{
    QStandardPaths::setTestModeEnabled(true);
    const QString expected = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
                             + QStringLiteral("/Mailscope/profiles.json");
    QCOMPARE(ProfileStore::defaultPath(), expected);
    QVERIFY(expected.contains(QLatin1String("qttest"))); // test mode: never the user's real file
    QStandardPaths::setTestModeEnabled(false);
}

void TestProfileStore::badFilesAreMovedAsideByteForByte_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("why"); // what the message must say

    const QByteArray good = validDocument(3);
    QTest::newRow("corrupt") << QByteArray("{\"schema_version\": 1, \"profiles\": [ {\"name\": }")
                             << "not valid JSON";
    QTest::newRow("truncated") << good.left(good.size() / 2) << "truncated";
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe garbage\x01", 12) << "not valid JSON";
    QTest::newRow("empty") << QByteArray() << "empty";
    QTest::newRow("top-level array") << QByteArray("[1, 2, 3]") << "not a JSON object";
    QTest::newRow("no schema_version") << QByteArray("{\"profiles\": []}") << "schema_version";
    QTest::newRow("schema_version as text")
        << QByteArray("{\"schema_version\": \"1\", \"profiles\": []}") << "schema_version";
    QTest::newRow("profiles not a list")
        << QByteArray("{\"schema_version\": 1, \"profiles\": {\"a\": 1}}") << "\"profiles\" is not a list";
    QTest::newRow("wrong-typed port")
        << QByteArray("{\"schema_version\": 1, \"profiles\": [{\"name\": \"a\", "
                      "\"host\": \"mx\", \"port\": \"25\"}]}")
        << "\"port\" must be a whole number";
    QTest::newRow("wrong-typed auth")
        << QByteArray("{\"schema_version\": 1, \"profiles\": [{\"name\": \"a\", "
                      "\"host\": \"mx\", \"auth\": [\"user\"]}]}")
        << "\"auth\" must be an object";
    QTest::newRow("port out of range")
        << QByteArray("{\"schema_version\": 1, \"profiles\": [{\"name\": \"a\", "
                      "\"host\": \"mx\", \"port\": 70000}]}")
        << "from 1 to 65535";
    // Found by fuzz_profile_store: numbers beyond qint64's range were cast before the range check.
    QTest::newRow("port beyond 2^63")
        << QByteArray("{\"schema_version\": 1, \"profiles\": [{\"name\": \"a\", "
                      "\"host\": \"mx\", \"port\": 1.6e50}]}")
        << "from 1 to 65535";
    QTest::newRow("negative port beyond 2^63")
        << QByteArray("{\"schema_version\": 1, \"profiles\": [{\"name\": \"a\", "
                      "\"host\": \"mx\", \"port\": -1e300}]}")
        << "from 1 to 65535";
    QTest::newRow("fractional port") << QByteArray("{\"schema_version\": 1, \"profiles\": [{\"name\": \"a\", "
                                                   "\"host\": \"mx\", \"port\": 25.5}]}")
                                     << "from 1 to 65535";
    QTest::newRow("schema_version beyond 2^63")
        << QByteArray("{\"schema_version\": 1e300, \"profiles\": []}") << "schema_version";
    QTest::newRow("deeply nested") << QByteArray(200000, '[') << "nested more than 16 levels";
    QTest::newRow("nested inside a profile")
        << QByteArray("{\"schema_version\": 1, \"profiles\": [{\"notes\": ") + QByteArray(20, '[')
               + QByteArray(20, ']') + QByteArray("}]}")
        << "nested more than 16 levels";
    QByteArray huge =
        "{\"schema_version\": 1, \"profiles\": [{\"name\": \"a\", \"host\": \"mx\", \"notes\": \"";
    huge += QByteArray(ProfileStore::MaxFileBytes, 'x') + "\"}]}";
    QTest::newRow("huge file") << huge << "more than the 8.0 MiB";
    QTest::newRow("huge string")
        << QByteArray("{\"schema_version\": 1, \"profiles\": [{\"name\": \"a\", \"host\": \"")
               + QByteArray(100000, 'h') + QByteArray("\"}]}")
        << "\"host\" is longer than 253 characters";
    QTest::newRow("too many profiles")
        << validDocument(ProfileStore::MaxProfiles + 1) << "more than the 5000";
    QTest::newRow("same name twice") << QByteArray(
        "{\"schema_version\": 1, \"profiles\": [{\"name\": \"a\", \"host\": "
        "\"mx\"}, {\"name\": \"a\", \"host\": \"mx2\"}]}")
                                     << "used twice";
}

void TestProfileStore::badFilesAreMovedAsideByteForByte()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, why);
    QVERIFY(QDir().mkpath(QFileInfo(path()).absolutePath()));
    writeAll(path(), bytes);

    ProfileStore store(path());
    store.load();
    QVERIFY(!store.notices().isEmpty());
    const StoreNotice& moved = store.notices().first();
    QCOMPARE(moved.kind, StoreNotice::Kind::MovedAside);
    QVERIFY2(moved.message.contains(why), qPrintable(moved.message));
    QVERIFY2(moved.message.contains(moved.path), qPrintable(moved.message)); // the user is told where
    QVERIFY(moved.path.startsWith(path() + QStringLiteral(".broken-")));
    QCOMPARE(readAll(moved.path), bytes); // the original, byte for byte
    QVERIFY(!store.isReadOnly());

    // The store goes on: a new profile is saved to a fresh file, the moved one stays as it was.
    ServerProfile p = fullProfile(QStringLiteral("after"));
    QCOMPARE(store.add(p), QString());
    QCOMPARE(readAll(moved.path), bytes);
    ProfileStore again(path());
    again.load();
    QVERIFY(again.notices().isEmpty());
    QVERIFY(names(again).contains(QStringLiteral("after")));
}

void TestProfileStore::partlyValidFileIsRecovered()
{
    QVERIFY(QDir().mkpath(QFileInfo(path()).absolutePath()));
    const QByteArray bytes =
        "{\"schema_version\": 1, \"profiles\": ["
        "{\"name\": \"good one\", \"host\": \"mx1.example.org\", \"port\": 25},"
        "{\"name\": \"bad tls\", \"host\": \"mx2.example.org\", \"tls\": \"maybe\"},"
        "42,"
        "{\"name\": \"good two\", \"host\": \"mx3.example.org\", \"protocol\": \"imap\"}]}";
    writeAll(path(), bytes);
    ProfileStore store(path());
    store.load();
    QCOMPARE(kinds(store), (QList {StoreNotice::Kind::MovedAside, StoreNotice::Kind::Recovered}));
    const StoreNotice& moved = store.notices().first();
    QVERIFY2(moved.message.contains(
                 QLatin1String("entry 2 (\"bad tls\"): \"tls\" must be starttls, implicit or none")),
             qPrintable(moved.message));
    QVERIFY2(moved.message.contains(QLatin1String("entry 3 is not an object")), qPrintable(moved.message));
    QVERIFY2(moved.message.contains(QLatin1String("2 profile(s) that could be read")),
             qPrintable(moved.message));
    QCOMPARE(readAll(moved.path), bytes);
    QCOMPARE(names(store), (QStringList {QStringLiteral("good one"), QStringLiteral("good two")}));
    // The recovered profiles were saved: a new instance reads them with nothing to report.
    ProfileStore again(path());
    again.load();
    QVERIFY(again.notices().isEmpty());
    QCOMPARE(names(again), names(store));
}

void TestProfileStore::futureSchemaIsReadOnlyAndUntouched()
{
    QVERIFY(QDir().mkpath(QFileInfo(path()).absolutePath()));
    const QByteArray bytes =
        "{\"schema_version\": 3, \"profiles\": [{\"name\": \"from the future\", \"host\": "
        "\"mx.example.org\", \"hologram\": true}], \"new_top_level\": {}}";
    writeAll(path(), bytes);
    ProfileStore store(path());
    store.load();
    QCOMPARE(kinds(store), QList {StoreNotice::Kind::ReadOnly});
    QVERIFY2(store.notices().first().message.contains(QLatin1String("newer Mailscope (schema version 3")),
             qPrintable(store.notices().first().message));
    QVERIFY(store.isReadOnly());
    QCOMPARE(names(store), QStringList {QStringLiteral("from the future")}); // still usable
    ServerProfile p = fullProfile(QStringLiteral("new"));
    QVERIFY(store.add(p).contains(QLatin1String("newer Mailscope")));
    QCOMPARE(readAll(path()), bytes);
    QCOMPARE(QDir(QFileInfo(path()).absolutePath()).entryList(QDir::Files),
             QStringList {QStringLiteral("profiles.json")});
}

void TestProfileStore::notARegularFileIsNeverOpenedNorReplaced()
{
    QVERIFY(QDir().mkpath(QFileInfo(path()).absolutePath()));
    // A FIFO: opening it for reading would block forever; QSaveFile would replace it.
    QCOMPARE(::mkfifo(QFile::encodeName(path()).constData(), 0600), 0);
    ProfileStore store(path());
    store.load();
    QCOMPARE(kinds(store), QList {StoreNotice::Kind::ReadOnly});
    QVERIFY(store.notices().first().message.contains(QLatin1String("is not a regular file")));
    ServerProfile p = fullProfile(QStringLiteral("x"));
    QVERIFY(!store.add(p).isEmpty());
    QVERIFY(QFileInfo(path()).exists() && !QFileInfo(path()).isFile()); // still the FIFO
}

void TestProfileStore::twoStoresOnOneFileLoseNothing()
{
    ProfileStore a(path());
    ProfileStore b(path());
    a.load();
    b.load();
    ServerProfile x = fullProfile(QStringLiteral("from a"));
    ServerProfile y = fullProfile(QStringLiteral("from b"));
    QCOMPARE(a.add(x), QString());
    // b read the file before a saved: it must notice, re-read, and add to a's version.
    QCOMPARE(b.add(y), QString());
    QCOMPARE(kinds(b), QList {StoreNotice::Kind::Reloaded});
    QCOMPARE(names(b), (QStringList {QStringLiteral("from a"), QStringLiteral("from b")}));
    ServerProfile z = fullProfile(QStringLiteral("a again"));
    QCOMPARE(a.add(z), QString());
    QCOMPARE(b.remove(x.id), QString());
    ProfileStore c(path());
    c.load();
    QVERIFY(c.notices().isEmpty());
    QCOMPARE(names(c), (QStringList {QStringLiteral("a again"), QStringLiteral("from b")}));
    // A name taken meanwhile by the other instance is refused, not duplicated.
    ServerProfile dup = fullProfile(QStringLiteral("from b"));
    QVERIFY(a.add(dup).contains(QLatin1String("exists already")));
}

void TestProfileStore::editOfAProfileChangedElsewhereIsRefused()
{
    ProfileStore a(path());
    a.load();
    ServerProfile p = fullProfile(QStringLiteral("shared"));
    QCOMPARE(a.add(p), QString());
    ProfileStore b(path());
    b.load();
    ServerProfile inA = *a.byName(QStringLiteral("shared"));
    ServerProfile inB = *b.byName(QStringLiteral("shared"));
    inA.host = QStringLiteral("edited-in-a.example.org");
    QCOMPARE(a.update(inA), QString());
    QCOMPARE(inA.revision, 2);
    inB.host = QStringLiteral("edited-in-b.example.org");
    const QString refused = b.update(inB);
    QVERIFY2(refused.contains(QLatin1String("changed by another Mailscope")), qPrintable(refused));
    ProfileStore c(path());
    c.load();
    QCOMPARE(c.byName(QStringLiteral("shared"))->host, QStringLiteral("edited-in-a.example.org"));
    // Opened again, the edit goes through.
    inB = *b.byName(QStringLiteral("shared"));
    QCOMPARE(inB.host, QStringLiteral("edited-in-a.example.org"));
    inB.host = QStringLiteral("edited-in-b.example.org");
    QCOMPARE(b.update(inB), QString());
}

void TestProfileStore::restoreKeepsTheIdUnlessTaken()
{
    // The GUI's undo of a delete: the profile comes back under its id (its keychain key).
    ProfileStore store(path());
    store.load();
    ServerProfile p = fullProfile(QStringLiteral("undone"));
    p.passwordStored = true;
    QCOMPARE(store.add(p), QString());
    const QString id = p.id;
    QCOMPARE(store.remove(id), QString());
    QVERIFY(!store.byId(id));
    ServerProfile back = p;
    QCOMPARE(store.restore(back), QString());
    QCOMPARE(back.id, id);
    QVERIFY(back.passwordStored);
    ProfileStore reread(path());
    reread.load();
    QCOMPARE(reread.byId(id)->name, QStringLiteral("undone"));
    QVERIFY(reread.byId(id)->passwordStored);

    // Restoring a copy whose id is taken meanwhile gives it a new id and no keychain entry.
    ServerProfile clash = p;
    clash.name = QStringLiteral("other name");
    QCOMPARE(store.restore(clash), QString());
    QVERIFY(clash.id != id);
    QVERIFY(!clash.passwordStored);
    QCOMPARE(names(store), (QStringList {QStringLiteral("other name"), QStringLiteral("undone")}));
    // A taken name is refused as by add().
    ServerProfile sameName = p;
    sameName.id.clear();
    QVERIFY(!store.restore(sameName).isEmpty());
}

void TestProfileStore::fileReplacedByAnotherInstanceWithGarbageIsMovedAsideBeforeSaving()
{
    ProfileStore a(path());
    a.load();
    ServerProfile p = fullProfile(QStringLiteral("kept"));
    QCOMPARE(a.add(p), QString());
    const QByteArray garbage = "{\"schema_version\": 1, \"profiles\": [";
    writeAll(path(), garbage);
    ServerProfile q = fullProfile(QStringLiteral("new"));
    QCOMPARE(a.add(q), QString());
    QCOMPARE(kinds(a), (QList {StoreNotice::Kind::MovedAside, StoreNotice::Kind::Reloaded}));
    QCOMPARE(readAll(a.notices().first().path), garbage);
    QCOMPARE(names(a), QStringList {QStringLiteral("new")});
}

void TestProfileStore::boundsAreEnforcedOnSave()
{
    ProfileStore store(path());
    store.load();
    ServerProfile p = fullProfile(QString(ServerProfile::MaxNameLength + 1, QLatin1Char('n')));
    QVERIFY(store.add(p).contains(QLatin1String("longer than 200")));
    p = fullProfile(QString(ServerProfile::MaxNameLength, QLatin1Char('n')));
    QCOMPARE(store.add(p), QString());
    p = fullProfile(QStringLiteral("bad\nname"));
    QVERIFY(store.add(p).contains(QLatin1String("control characters")));
    p = fullProfile(QStringLiteral("no host"));
    p.host.clear();
    QVERIFY(store.add(p).contains(QLatin1String("has no host")));
    p = fullProfile(QStringLiteral("bad fingerprint"));
    p.acceptedCertificates = {{QStringLiteral("12:34"), {}, {}}};
    QVERIFY(store.add(p).contains(QLatin1String("not a SHA-256 fingerprint")));
}

void TestProfileStore::exportCarriesNoSecretsNorLocalState()
{
    ProfileStore store(path());
    store.load();
    ServerProfile p = fullProfile(QStringLiteral("Büro"));
    QCOMPARE(store.add(p), QString());
    p.passwordStored = true;
    QCOMPARE(store.update(p), QString());
    const QByteArray exported = ProfileStore::exportJson(store.profiles());
    const QJsonObject entry = QJsonDocument::fromJson(exported)
                                  .object()
                                  .value(QStringLiteral("profiles"))
                                  .toArray()
                                  .first()
                                  .toObject();
    QVERIFY(!entry.contains(QStringLiteral("id")));
    QVERIFY(!entry.contains(QStringLiteral("revision")));
    QCOMPARE(entry.value(QStringLiteral("auth")).toObject().value(QStringLiteral("password_stored")),
             QJsonValue(false));
    QCOMPARE(entry.value(QStringLiteral("name")).toString(), QStringLiteral("Büro"));

    // Imported into the same store: a copy under a new name, with a new id.
    const ProfileStore::Document doc = ProfileStore::parse(exported);
    QCOMPARE(doc.fatal, QString());
    QList<ServerProfile> imported = doc.profiles;
    QStringList renamed;
    QCOMPARE(store.addAll(imported, &renamed), QString());
    QCOMPARE(renamed, QStringList {QStringLiteral("\"Büro\" was saved as \"Büro (2)\"")});
    QCOMPARE(names(store), (QStringList {QStringLiteral("Büro"), QStringLiteral("Büro (2)")}));
    const ServerProfile copy = *store.byName(QStringLiteral("Büro (2)"));
    QVERIFY(copy.id != p.id);
    QVERIFY(!copy.passwordStored);
    QCOMPARE(copy.acceptedCertificates, p.acceptedCertificates);
    QCOMPARE(copy.notes, p.notes);
}

void TestProfileStore::thousandProfiles()
{
    QList<ServerProfile> many;
    for (int i = 0; i < 1000; ++i)
        many.append(fullProfile(QStringLiteral("Server %1 — ü").arg(i)));
    ProfileStore store(path());
    store.load();
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(store.addAll(many, nullptr), QString());
    const qint64 saveMs = timer.elapsed();
    timer.restart();
    ProfileStore again(path());
    again.load();
    const qint64 loadMs = timer.elapsed();
    QCOMPARE(again.profiles().size(), 1000);
    QVERIFY(again.notices().isEmpty());
    timer.restart();
    ServerProfile one = fullProfile(QStringLiteral("one more"));
    QCOMPARE(again.add(one), QString());
    const qint64 addMs = timer.elapsed();
    // A figure for the record, not an assertion.
    qInfo("1000 profiles: %lld bytes; save %lld ms, load %lld ms, add one %lld ms",
          qint64(QFileInfo(path()).size()), saveMs, loadMs, addMs);
}

void TestProfileStore::domainProfilesRoundTripAndRaiseTheSchema()
{
    ServerProfile server = fullProfile(QStringLiteral("Büro"));
    ServerProfile domain = domainProfile(QStringLiteral("Kunde ✉"));
    ServerProfile demo;
    demo.kind = ProfileKind::Domain;
    demo.name = QStringLiteral("demo.test");
    demo.domain = QStringLiteral("demo.test");
    demo.demoDomain = true;
    {
        ProfileStore store(path());
        store.load();
        QCOMPARE(store.add(server), QString());
        QVERIFY(readAll(path()).contains("\"schema_version\": 1"));
        QCOMPARE(store.add(domain), QString());
        QCOMPARE(store.add(demo), QString());
    }
    // A domain profile makes it schema 2: a Mailscope from before reads it read-only, losing nothing.
    const QByteArray bytes = readAll(path());
    QVERIFY(bytes.contains("\"schema_version\": 2"));
    const QJsonObject stored =
        QJsonDocument::fromJson(bytes).object().value(QStringLiteral("profiles")).toArray().at(1).toObject();
    QCOMPARE(stored.value(QStringLiteral("kind")).toString(), QStringLiteral("domain"));
    QCOMPARE(stored.value(QStringLiteral("domain")).toString(), QStringLiteral("example.test"));
    QCOMPARE(stored.value(QStringLiteral("dns")).toObject(),
             (QJsonObject {{QStringLiteral("server"), QStringLiteral("127.0.0.1@5353")},
                           {QStringLiteral("trust_anchor"), QStringLiteral("/etc/mailscope/test-zone.ds")},
                           {QStringLiteral("demo"), false}}));
    // Only the domain's settings: no server field that nobody could see or edit.
    QVERIFY(!stored.contains(QStringLiteral("host")));
    QVERIFY(!stored.contains(QStringLiteral("trust")));

    ProfileStore again(path());
    again.load();
    QVERIFY(again.notices().isEmpty());
    QCOMPARE(again.byName(QStringLiteral("Büro"))->toJson(), server.toJson());
    QCOMPARE(again.byName(QStringLiteral("Kunde ✉"))->toJson(), domain.toJson());
    QCOMPARE(again.byName(QStringLiteral("demo.test"))->toJson(), demo.toJson());
    QVERIFY(again.byName(QStringLiteral("Kunde ✉"))->isDomain());
    QVERIFY(!again.byName(QStringLiteral("Büro"))->isDomain());

    // Export and import: every profile, its kind included, unchanged but for local state.
    const QByteArray exported = ProfileStore::exportJson(again.profiles());
    QVERIFY(exported.contains("\"schema_version\": 2"));
    const ProfileStore::Document doc = ProfileStore::parse(exported);
    QCOMPARE(doc.fatal, QString());
    QCOMPARE(doc.problems, QStringList());
    QCOMPARE(doc.schemaVersion, 2);
    QCOMPARE(doc.profiles.size(), 3);
    for (qsizetype i = 0; i < doc.profiles.size(); ++i) {
        ServerProfile expected = again.profiles().at(i);
        expected.id = doc.profiles.at(i).id;
        expected.revision = 0;
        expected.passwordStored = false;
        QCOMPARE(doc.profiles.at(i).toJson(), expected.toJson());
    }
    QCOMPARE(ProfileStore::exportJson(doc.profiles), exported);

    // Deleting the last domain profile brings the file back to schema 1.
    QCOMPARE(again.remove(again.byName(QStringLiteral("Kunde ✉"))->id), QString());
    QVERIFY(readAll(path()).contains("\"schema_version\": 2"));
    QCOMPARE(again.remove(again.byName(QStringLiteral("demo.test"))->id), QString());
    QVERIFY(readAll(path()).contains("\"schema_version\": 1"));
}

void TestProfileStore::serverOnlyFilesStayAsTheyWere()
{
    // A file as Mailscope wrote it before domain profiles: read unchanged, written back the same.
    QVERIFY(QDir().mkpath(QFileInfo(path()).absolutePath()));
    ServerProfile p = fullProfile(QStringLiteral("alt"));
    p.id = QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e");
    p.revision = 3;
    const QByteArray old = QJsonDocument(QJsonObject {{QStringLiteral("schema_version"), 1},
                                                      {QStringLiteral("profiles"), QJsonArray {p.toJson()}}})
                               .toJson(QJsonDocument::Indented);
    QVERIFY(!old.contains("\"kind\""));
    writeAll(path(), old);
    ProfileStore store(path());
    store.load();
    QVERIFY(store.notices().isEmpty());
    QCOMPARE(store.profiles().size(), 1);
    QCOMPARE(store.profiles().first().kind, ProfileKind::Server);
    QCOMPARE(store.profiles().first().toJson(), p.toJson());
    QCOMPARE(readAll(path()), old);
    // A save rewrites it in the same shape: schema 1, no "kind".
    ServerProfile edited = store.profiles().first();
    edited.notes = QStringLiteral("edited");
    QCOMPARE(store.update(edited), QString());
    const QByteArray after = readAll(path());
    QVERIFY(after.contains("\"schema_version\": 1"));
    QVERIFY(!after.contains("\"kind\""));
}

void TestProfileStore::unknownKindIsRefusedWithAReason()
{
    QVERIFY(QDir().mkpath(QFileInfo(path()).absolutePath()));
    const QByteArray bytes =
        "{\"schema_version\": 2, \"profiles\": ["
        "{\"name\": \"server\", \"host\": \"mx1.example.org\"},"
        "{\"name\": \"mailbox\", \"kind\": \"imap-folder\", \"host\": \"imap.example.org\"},"
        "{\"name\": \"kind as number\", \"kind\": 2, \"domain\": \"example.org\"},"
        "{\"name\": \"domain\", \"kind\": \"domain\", \"domain\": \"example.org\"}]}";
    writeAll(path(), bytes);
    ProfileStore store(path());
    store.load();
    QCOMPARE(kinds(store), (QList {StoreNotice::Kind::MovedAside, StoreNotice::Kind::Recovered}));
    const StoreNotice& moved = store.notices().first();
    QVERIFY2(moved.message.contains(QLatin1String(
                 "entry 2 (\"mailbox\"): \"kind\" must be server or domain, not \"imap-folder\"")),
             qPrintable(moved.message));
    QVERIFY2(moved.message.contains(QLatin1String("entry 3 (\"kind as number\"): \"kind\" must be text")),
             qPrintable(moved.message));
    QCOMPARE(readAll(moved.path), bytes);
    QCOMPARE(names(store), (QStringList {QStringLiteral("domain"), QStringLiteral("server")}));
    QVERIFY(store.byName(QStringLiteral("domain"))->isDomain());
}

void TestProfileStore::domainProfileValidation_data()
{
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("dnsServer");
    QTest::addColumn<bool>("demo");
    QTest::addColumn<QString>("error");
    // What reading such a profile from a file says: the same, unless the reader's bound comes first.
    QTest::addColumn<QString>("fileError");
    QTest::newRow("valid") << "example.test"
                           << "::1@53" << false << "" << QString();
    QTest::newRow("valid with a trailing dot") << "example.test."
                                               << "" << false << "" << QString();
    QTest::newRow("demo") << "demo.test"
                          << "" << true << "" << QString();
    QTest::newRow("empty") << ""
                           << "" << false << "Profile \"p\" has no mail domain." << QString();
    QTest::newRow("a host and port") << "mx.example.org:25"
                                     << "" << false
                                     << "Profile \"p\": \"mx.example.org:25\" is not a domain name."
                                     << QString();
    QTest::newRow("an address") << "192.0.2.1"
                                << "" << false << "Profile \"p\": \"192.0.2.1\" is not a domain name."
                                << QString();
    QTest::newRow("a space") << "example .test"
                             << "" << false << "Profile \"p\": \"example .test\" is not a domain name."
                             << QString();
    QTest::newRow("254 characters") << (QString(63, u'a') + u'.' + QString(63, u'b') + u'.'
                                        + QString(63, u'c') + u'.' + QString(57, u'd')
                                        + QStringLiteral(".test"))
                                    << "" << false
                                    << QStringLiteral("Profile \"p\": \"%1\" is not a domain name.")
                                           .arg((QString(63, u'a') + u'.' + QString(16, u'b')))
                                    << "\"domain\" is longer than 253 characters";
    QTest::newRow("dns server a name")
        << "example.test"
        << "ns.example.test" << false
        << "Profile \"p\": --dns-server needs an IP address (optionally @PORT), "
           "not \"ns.example.test\""
        << QString();
    QTest::newRow("dns server port 0")
        << "example.test"
        << "127.0.0.1@0" << false << "Profile \"p\": --dns-server: \"0\" is not a port number" << QString();
    QTest::newRow("demo with a dns server")
        << "demo.test"
        << "127.0.0.1" << true
        << "Profile \"p\": the demo's domains are answered in-process; a DNS server or trust "
           "anchor does not apply."
        << QString();
}

void TestProfileStore::domainProfileValidation()
{
    QFETCH(QString, domain);
    QFETCH(QString, dnsServer);
    QFETCH(bool, demo);
    QFETCH(QString, error);
    QFETCH(QString, fileError);
    if (fileError.isEmpty())
        fileError = error;
    ServerProfile p;
    p.kind = ProfileKind::Domain;
    p.name = QStringLiteral("p");
    p.domain = domain;
    p.dnsServer = dnsServer;
    p.demoDomain = demo;
    QCOMPARE(p.validate(), error);
    // The file says the same when it holds such a profile.
    QString why;
    const std::optional<ServerProfile> read = ServerProfile::fromJson(p.toJson(), &why);
    QCOMPARE(read.has_value(), error.isEmpty());
    QCOMPARE(why, fileError);
    ProfileStore store(path());
    store.load();
    QCOMPARE(store.add(p), error);
}

QTEST_GUILESS_MAIN(TestProfileStore)
#include "TestProfileStore.moc"

#pragma once

#include "ServerProfile.h"

#include <functional>
#include <optional>
#include <QByteArray>
#include <QList>
#include <QString>

/// Something the user must be told about the profile file (the CLI prints it; the GUI shows it).
struct StoreNotice
{
    enum class Kind
    {
        MovedAside, ///< the file did not parse or failed validation; it is kept under `path`
        Recovered, ///< valid profiles from a moved-aside file were saved again
        ReadOnly, ///< the file is from a newer Mailscope, or not a regular file: nothing is written
        Reloaded, ///< another instance changed the file; its version was read before writing
    };
    Kind kind;
    QString message; ///< translated, complete sentence(s)
    QString path; ///< the file concerned (where a moved-aside file now is)
};

/**
 * The saved server profiles: one JSON document, written only through QSaveFile. schema_version 1
 * holds server profiles only; a document with a mail domain profile (ProfileKind::Domain) is
 * written as schema_version 2, so that a Mailscope from before domain profiles opens it read-only
 * instead of dropping the entries it cannot read. Both versions are read.
 *
 * Robust against what a disk holds after a crash, an editor or another instance:
 * - input is bounded (file size, nesting depth, number of profiles, every string), so a hostile
 *   file is refused with a message before it costs memory or time;
 * - a file that does not parse or fails validation is never overwritten: it is renamed aside,
 *   byte for byte, under a timestamped name; the valid profiles in it are kept and saved anew;
 * - a file from a newer schema is read, but the store becomes read-only;
 * - every change locks the file (QLockFile), re-reads it when another instance changed it since
 *   it was read, applies the change to that version and writes it back, so two instances never
 *   break the file or lose each other's profiles. An edit of a profile that the other instance
 *   changed meanwhile is refused (revision check) instead of silently undoing that change.
 */
class ProfileStore final
{
public:
    /// The newest schema this Mailscope reads and writes.
    static constexpr int SchemaVersion = 2;
    /// The schema a document of `profiles` is written with: 1 without domain profiles, else 2.
    static int schemaVersionFor(const QList<ServerProfile>& profiles);
    static constexpr qint64 MaxFileBytes = 8 * 1024 * 1024;
    static constexpr int MaxProfiles = 5000;
    static constexpr int MaxDepth = 16;

    /// The file both front ends share: <config>/Mailscope/profiles.json. (AppConfigLocation
    /// includes the application name, which differs between `mailscope` and `mailscope-cli`.)
    static QString defaultPath();

    explicit ProfileStore(QString path = defaultPath());

    /// Reads the file (absent means no profiles). What went wrong is in notices().
    void load();

    QString path() const { return m_path; }
    const QList<ServerProfile>& profiles() const { return m_profiles; }
    std::optional<ServerProfile> byName(const QString& name) const;
    std::optional<ServerProfile> byId(const QString& id) const;
    bool isReadOnly() const { return !m_readOnlyReason.isEmpty(); }
    QString readOnlyReason() const { return m_readOnlyReason; }
    /// Everything the user should be told since the store was created.
    const QList<StoreNotice>& notices() const { return m_notices; }

    /// Each change returns an empty string on success, else why it was refused (translated).
    /// add() gives the profile an id, revision 1 and times; the caller's copy is updated.
    QString add(ServerProfile& profile);
    /// Adds a profile back under its own id (the GUI's undo of a delete: the keychain entry is keyed
    /// by the id); a new id only when that one is taken meanwhile.
    QString restore(ServerProfile& profile);
    /// Replaces the profile with the same id; refused when another instance saved it since
    /// `profile.revision` was read, or when the new name is taken.
    QString update(ServerProfile& profile);
    QString remove(const QString& id);
    /// Adds many (an import) in one write; names already taken get " (2)", " (3)", ...
    QString addAll(QList<ServerProfile>& profiles, QStringList* renamed);

    /// The export format: the store's document without secrets and without local state
    /// (ids, revisions, "password stored" flags).
    static QByteArray exportJson(const QList<ServerProfile>& profiles);

    /// A parsed document (the store's file or an import).
    struct Document
    {
        QList<ServerProfile> profiles; ///< the valid ones
        QStringList problems; ///< one line per profile left out
        QString fatal; ///< why nothing at all could be read; empty when the document was read
        int schemaVersion = 0;
    };
    static Document parse(const QByteArray& bytes);

private:
    struct DiskState
    {
        bool exists = false;
        qint64 size = 0;
        QByteArray bytes;
    };
    /// Reads the file under m_path; false (with m_readOnlyReason set) when it must not be touched.
    bool readDisk(DiskState* state);
    /// load() on given bytes: validation, moving aside, recovery.
    void adopt(const DiskState& state);
    /// Renames the file aside (kept byte for byte); the path it now has, or empty when it could not be
    /// moved (the store is then read-only). `kept` is how many profiles were recovered from it.
    QString moveAside(const QString& why, int kept);
    QString write(const QList<ServerProfile>& profiles);
    /// add() and restore(): appends `p` (its id made unique) and copies it to `profile` on success.
    QString insert(ServerProfile& profile, ServerProfile& p);
    QString modify(const std::function<QString(QList<ServerProfile>&)>& change);

    QString m_path;
    QList<ServerProfile> m_profiles;
    QList<StoreNotice> m_notices;
    QString m_readOnlyReason;
    QByteArray m_diskHash; ///< SHA-256 of the bytes last read or written; empty: no file
    bool m_needsWrite = false; ///< recovered profiles not yet saved
};

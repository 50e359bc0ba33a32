#pragma once

#include "DemoCertificates.h"

#include <optional>
#include <QCoreApplication>
#include <QString>

/**
 * Keeps the demo server's certificates between launches, so that what a user saved against the
 * demo (the demo CA file in a profile, a trusted certificate's fingerprint) still holds after the
 * app or `mailscope-cli demo` restarts. The set lives in one directory, by default
 * `~/.local/share/Mailscope/demo/` (shared by the app and the CLI, like the history):
 * `demo-certificates.json` (certificates and their keys, owner-only; demo keys, never in a profile)
 * and `demo-ca.pem` (the demo root CA, the file a profile refers to).
 *
 * A stored set that cannot be read, is corrupt, does not hang together or is about to expire is
 * replaced by a new one, with a warning that says why; nothing a user can put in that directory
 * makes the demo crash or refuse to start.
 */
class DemoCertificateStore final
{
    Q_DECLARE_TR_FUNCTIONS(DemoCertificateStore)

public:
    /// The directory shared by the app and the CLI: GenericDataLocation/Mailscope/demo (empty when
    /// there is no data location).
    static QString defaultDirectory();

    /// A stored certificate this close to its end is renewed (well before cert-expires-soon).
    static constexpr int RenewDaysBeforeExpiry = 60;
    /// A stored set larger than this is not read.
    static constexpr qint64 MaxStoreBytes = 1024 * 1024;

    struct Loaded
    {
        DemoCertificates certificates;
        QString caFile; ///< `directory`/demo-ca.pem
        bool issued = false; ///< issued now (none stored, or the stored one was unusable)
    };

    /// The set stored in `directory`, or a new one issued and stored there. nullopt with `error`
    /// set when no set could be issued or stored (an unwritable directory); the caller then keeps
    /// its certificates for this launch only.
    static std::optional<Loaded> loadOrIssue(const QString& directory, QString* error);

    /// Why `certificates` cannot be used as the demo's (empty when they can): a certificate that
    /// does not parse, a key that does not belong to its certificate, a chain that does not link,
    /// the good certificate not for DemoServer::hostName(), a validity that ends within
    /// RenewDaysBeforeExpiry days (the expired leaf: one that is not expired).
    static QString problemWith(const DemoCertificates& certificates);
};

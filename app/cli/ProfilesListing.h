#pragma once

#include <QString>
#include <QTextStream>

class ProfileStore;
struct ServerProfile;

/**
 * What `mailscope-cli profiles list`, `show` and `presets` print, and the one-line description
 * of a profile's target that `list` and `add` use. Text from profiles (which may come from an
 * imported file) is escaped before it reaches the terminal (TerminalText).
 */
class ProfilesListing final
{
public:
    /// "smtp starttls mx.example.org:25", or the domain and how it is resolved.
    static QString describeTarget(const ServerProfile& p);
    /// `profiles show NAME`: every setting, one per line.
    static void printProfile(const ServerProfile& p, QTextStream& out);
    /// `profiles list [--json]`.
    static void printList(const ProfileStore& store, bool json, QTextStream& out);
    /// `profiles presets`.
    static void printPresets(QTextStream& out);
};

using FsCheck.Xunit;
using Portique.Technologies.Shared;

namespace Portique.Technologies.Docker.Tests;

/// <summary>
/// The one git ref rule (<see cref="GitReference"/>) the configuration, docker+git and snapcraft all apply. Pure: the
/// real-git behaviour behind it is in DockerGitTests and the snapcraft tests.
/// </summary>
public sealed class GitReferenceTests
{
    private const string Allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-";

    [Theory]
    [InlineData("v1")]
    [InlineData("main")]
    [InlineData("feature/x")]
    [InlineData("release-1.2_rc")]
    [InlineData("_odd")]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    public void A_branch_a_tag_or_a_commit_id_is_accepted(string reference) =>
        Assert.True(GitReference.IsValid(reference));

    [Theory]
    [InlineData("")]
    [InlineData("--upload-pack=evil")]
    [InlineData("-x")]
    [InlineData(".hidden")]
    [InlineData("/absolute")]
    [InlineData("a..b")]
    [InlineData("HEAD~1")]
    [InlineData("v1^{commit}")]
    [InlineData("main@{1}")]
    [InlineData("user@host")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("main\n")]
    [InlineData("a*")]
    [InlineData("a?")]
    [InlineData("a[1]")]
    [InlineData("a\\b")]
    [InlineData("é")]
    public void Anything_git_could_read_as_an_option_or_an_expression_is_refused(string reference) =>
        Assert.False(GitReference.IsValid(reference));

    [Fact]
    public void No_ref_and_a_ref_longer_than_the_maximum_are_refused()
    {
        Assert.False(GitReference.IsValid(null));
        Assert.True(GitReference.IsValid(new string('a', GitReference.MaximumLength)));
        Assert.False(GitReference.IsValid(new string('a', GitReference.MaximumLength + 1)));
    }

    [Property(MaxTest = 1000)]
    public void An_accepted_ref_is_made_of_allowed_characters_only_and_never_starts_an_option(string? reference)
    {
        if (!GitReference.IsValid(reference))
        {
            return;
        }

        Assert.All(reference!, c => Assert.Contains(c, Allowed));
        Assert.False(reference!.StartsWith('-'));
        Assert.DoesNotContain("..", reference, StringComparison.Ordinal);
        Assert.InRange(reference.Length, 1, GitReference.MaximumLength);
    }

    [Property(MaxTest = 500)]
    public void Segments_of_letters_and_digits_joined_by_slashes_dots_or_dashes_are_accepted(int seed)
    {
        var random = new Random(seed);
        var reference = Segment(random);
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            reference += "/._-"[random.Next(4)] + Segment(random);
        }

        Assert.True(GitReference.IsValid(reference), reference);
    }

    private static string Segment(Random random) =>
        new(Enumerable.Range(0, random.Next(1, 12)).Select(_ => Allowed[random.Next(62)]).ToArray());
}

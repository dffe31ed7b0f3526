using System.Net;
using Docker.DotNet;
using Portique.Technologies.Shared;
using Portique.TestSupport;

namespace Portique.Technologies.Docker.Tests;

/// <summary>The pure parts of the driver: no dockerd needed.</summary>
public sealed class DockerDriverUnitTests
{
    [Fact]
    public void Image_reference_puts_the_registry_before_the_name_and_the_tag_after()
    {
        Assert.Equal("127.0.0.1:5000/app:v1", DockerDriver.ImageReference(TestSpecs.Create("app", DockerModule.Docker, "app", "v1", "127.0.0.1:5000")));
        Assert.Equal("nginx:1.25", DockerDriver.ImageReference(TestSpecs.Create("web", DockerModule.Docker, "nginx", "1.25")));
        Assert.Equal("registry.example/team/app:latest", DockerDriver.ImageReference(TestSpecs.Create("app", DockerModule.Docker, "team/app", "latest", "registry.example/")));
    }

    [Theory]
    [InlineData("v1.2.3", "v1.2.3")]
    [InlineData("feature/login", "feature-login")]
    [InlineData("-odd", "_-odd")]
    [InlineData("0123456789abcdef0123456789abcdef01234567", "0123456789abcdef0123456789abcdef01234567")]
    public void A_git_ref_becomes_a_valid_docker_tag(string reference, string tag) =>
        Assert.Equal(tag, DockerDriver.DockerTag(reference));

    [Fact]
    public void The_endpoint_is_docker_host_when_set_else_the_local_socket()
    {
        Assert.Equal(new Uri("tcp://10.0.0.1:2375"), DockerEndpoint.Default(name => name == "DOCKER_HOST" ? "tcp://10.0.0.1:2375" : null));
        Assert.Equal(DockerEndpoint.LocalSocket, DockerEndpoint.Default(_ => null));
        Assert.Equal(DockerEndpoint.LocalSocket, DockerEndpoint.Default(_ => " "));
    }

    [Fact]
    public void The_engine_message_is_read_from_the_json_error_body()
    {
        Assert.Equal("manifest unknown", DockerApiClient.EngineMessage(new DockerApiException(HttpStatusCode.NotFound, "{\"message\":\"manifest unknown\"}")));
        Assert.Equal("plain text", DockerApiClient.EngineMessage(new DockerApiException(HttpStatusCode.InternalServerError, "plain text\n")));
    }
}

//! The device drivers compute on: the CPU always, a CUDA GPU when asked for
//! and present (DESIGN.md item 8: GPU optional, never required).

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What `--device` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DeviceChoice {
    /// CUDA when a GPU and nvcc are present, else the CPU.
    #[default]
    Auto,
    /// The CPU (GPU groups are skipped).
    Cpu,
    /// A CUDA GPU; an error when there is none.
    Cuda,
}

/// The device a grading run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Device {
    /// The CPU: groups that need a GPU are skipped, with [`Device::skip_reason`].
    #[default]
    Cpu,
    /// An NVIDIA GPU through CUDA: drivers are built with the `cuda` feature
    /// and see the GPU's device nodes in the sandbox.
    Cuda,
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Device::Cpu => "cpu",
            Device::Cuda => "cuda",
        })
    }
}

/// The device nodes of an NVIDIA GPU, as the driver creates them.
const NVIDIA_NODES: [&str; 4] = [
    "/dev/nvidiactl",
    "/dev/nvidia-uvm",
    "/dev/nvidia-uvm-tools",
    "/dev/nvidia0",
];

impl Device {
    /// Decide the device for `choice` on this machine.
    pub fn resolve(choice: DeviceChoice) -> Result<Device, String> {
        match choice {
            DeviceChoice::Cpu => Ok(Device::Cpu),
            DeviceChoice::Auto => Ok(if cuda_missing().is_none() {
                Device::Cuda
            } else {
                Device::Cpu
            }),
            DeviceChoice::Cuda => match cuda_missing() {
                None => Ok(Device::Cuda),
                Some(why) => Err(format!("--device cuda: {why}")),
            },
        }
    }

    /// The device nodes a driver must see to use this device.
    pub fn nodes(self) -> Vec<PathBuf> {
        match self {
            Device::Cpu => Vec::new(),
            Device::Cuda => NVIDIA_NODES
                .iter()
                .map(PathBuf::from)
                .filter(|p| p.exists())
                .collect(),
        }
    }

    /// Why a group that needs a GPU is skipped on this device.
    pub fn skip_reason(self) -> Option<String> {
        match self {
            Device::Cuda => None,
            Device::Cpu => Some(
                "skipped: needs a CUDA GPU and this run uses the CPU (grade with `--device cuda` on a machine with an NVIDIA GPU and nvcc); not counted in the score"
                    .to_owned(),
            ),
        }
    }
}

/// Why CUDA cannot be used here, or `None` when it can: a GPU's device node
/// and nvcc (the `cuda` feature compiles kernels) must both be present.
fn cuda_missing() -> Option<String> {
    if !Path::new("/dev/nvidia0").exists() {
        return Some("no NVIDIA GPU on this machine (/dev/nvidia0 is missing)".into());
    }
    let nvcc = Command::new("nvcc")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match nvcc {
        Ok(status) if status.success() => None,
        _ => Some("nvcc (the CUDA toolkit) is not on PATH; the `cuda` build needs it".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_needs_nothing_and_skips_gpu_groups_with_a_reason() {
        assert_eq!(Device::resolve(DeviceChoice::Cpu), Ok(Device::Cpu));
        assert!(Device::Cpu.nodes().is_empty());
        let reason = Device::Cpu.skip_reason().unwrap();
        assert!(reason.contains("--device cuda"), "{reason}");
        assert_eq!(Device::Cuda.skip_reason(), None);
    }

    #[test]
    fn auto_agrees_with_an_explicit_cuda_request() {
        let auto = Device::resolve(DeviceChoice::Auto).unwrap();
        let cuda = Device::resolve(DeviceChoice::Cuda);
        assert_eq!(auto == Device::Cuda, cuda.is_ok(), "{cuda:?}");
        if let Err(why) = cuda {
            assert!(why.starts_with("--device cuda: "), "{why}");
        }
    }
}
